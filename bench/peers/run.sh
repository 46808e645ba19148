#!/usr/bin/env bash
# The Cedar peer comparison (bench/peers/README.md): installs
# @cedar-policy/cedar-wasm (the version package-lock.json pins) under
# build/peers/cedar, builds the input generator, and for each org size writes
# the inputs, measures Verdict on them and runs the Cedar side, which checks
# every answer against Verdict's.
#   bench/peers/run.sh                 → sizes 100 and 2000, 2000 contexts
#   RULES="100 2000" CONTEXTS=2000 SECONDS_PER_SIDE=3 bench/peers/run.sh
# Needs node and npm (Node 20 here); not part of ctest's run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

build_dir=${BUILD_DIR:-build}
peer_dir=${build_dir}/peers
rules_list=${RULES:-100 2000}
contexts=${CONTEXTS:-2000}
seconds=${SECONDS_PER_SIDE:-3}

mkdir -p "${peer_dir}/cedar"
cp bench/peers/package.json bench/peers/package-lock.json "${peer_dir}/cedar/"
if [[ ! -d "${peer_dir}/cedar/node_modules/@cedar-policy/cedar-wasm" ]]; then
  (cd "${peer_dir}/cedar" && npm ci --no-audit --no-fund)
fi

if [[ ! -f "${build_dir}/CMakeCache.txt" ]]; then
  echo "run.sh: configure ${build_dir} first (scripts/build.sh)" >&2
  exit 2
fi
cmake --build "${build_dir}" -j "${JOBS:-2}" --target verdict_cedar_peer_inputs

for rules in ${rules_list}; do
  out=${peer_dir}/org-${rules}
  echo "== ${rules} rules"
  "${build_dir}/verdict_cedar_peer_inputs" "${rules}" "${contexts}" "${out}" "${seconds}"
  CEDAR_WASM_DIR="$(cd "${peer_dir}/cedar" && pwd)" node bench/peers/cedar_peer.mjs "${out}" "${seconds}"
done
