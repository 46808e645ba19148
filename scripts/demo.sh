#!/usr/bin/env bash
# Installs dependencies, builds, and evaluates the bundled fixture org's
# contexts, printing the decisions as a table.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
bash scripts/build.sh
./build/policy-sim eval --snapshot fixtures/org --contexts fixtures/contexts.jsonl \
  --geoip build/geoip --output table
