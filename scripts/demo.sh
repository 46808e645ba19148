#!/usr/bin/env bash
# Installs dependencies, builds, and evaluates the bundled fixture org's
# contexts, printing the decisions as a table.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh
# Only what the demo runs: policy-sim and the GeoIP fixtures.
bash scripts/build.sh --demo
./build/policy-sim eval --snapshot fixtures/org --contexts fixtures/contexts.jsonl \
  --geoip build/geoip --output table

# What a policy change would do: fixtures/org-after changes three rules.
# (diff exits 1 when any decision changes — a CI gate; here that is expected.)
echo
./build/policy-sim diff --before fixtures/org --after fixtures/org-after \
  --contexts fixtures/contexts.jsonl --output text || [[ $? -eq 1 ]]

# Replay 5000 recorded System Log events (Classic and Identity Engine) and
# compare with what Okta decided. The export holds 5 malformed lines on
# purpose: --allow-malformed 5 lets them pass (each is still reported).
echo
./build/policy-sim replay --snapshot fixtures/org --logs fixtures/logs/org-export.jsonl.gz \
  --memberships fixtures/logs/org-memberships.json --geoip build/geoip --examples 2 \
  --allow-malformed 5
