#!/usr/bin/env bash
# ctest cedar_peer_translation: the Cedar translation of a 10-rule org agrees
# with Verdict on every context (bench/peers/README.md). Exits 77 (ctest's
# SKIP_RETURN_CODE for this test) and says so when node or the package that
# bench/peers/run.sh installs under <build>/peers/cedar is missing.
#   translation_test.sh <verdict_cedar_peer_inputs> <build dir> <source dir>
set -euo pipefail
inputs=$1
build_dir=$2
source_dir=$3
cedar_dir=${build_dir}/peers/cedar
if ! command -v node >/dev/null 2>&1; then
  echo "SKIPPED: node is not installed"
  exit 77
fi
if [[ ! -d "${cedar_dir}/node_modules/@cedar-policy/cedar-wasm" ]]; then
  echo "SKIPPED: @cedar-policy/cedar-wasm is not installed under ${cedar_dir} (bench/peers/run.sh installs it)"
  exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "${out}"' EXIT
"${inputs}" 10 300 "${out}" 0
CEDAR_WASM_DIR="$(cd "${cedar_dir}" && pwd)" node "${source_dir}/bench/peers/cedar_peer.mjs" "${out}" 0
