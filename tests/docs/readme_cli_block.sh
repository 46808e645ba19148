#!/usr/bin/env bash
# Runs README.md's policy-sim command block (the one under "policy-sim replay,
# diff, test, explain, contexts, lint") exactly as written, from the source
# root, with ./build/ and build/ pointing at the build directory under test:
# the README's examples must run as given, with the exit statuses they say.
#   tests/docs/readme_cli_block.sh SOURCE_DIR BINARY_DIR
set -euo pipefail
source_dir="$1"
binary_dir="$2"
block="$(awk '
  /^```sh$/ { inside = 1; text = ""; next }
  /^```$/ && inside { if (text ~ /What would the proposed snapshot change/) { printf "%s", text; exit } inside = 0; next }
  inside { text = text $0 "\n" }
' "${source_dir}/README.md")"
if [[ -z "${block}" ]]; then
  echo "README.md: the policy-sim command block was not found" >&2
  exit 1
fi
block="${block//.\/build\//${binary_dir}/}"
block="${block// build\// ${binary_dir}/}"
cd "${source_dir}"
bash -euo pipefail -c "${block}" >/dev/null
# The suite the block recorded from the contexts it wrote passes against the
# same snapshot: --record's expectations are the decisions.
"${binary_dir}/policy-sim" test "${binary_dir}/suite.json" --snapshot fixtures/org >/dev/null
echo "README block ran as written"
