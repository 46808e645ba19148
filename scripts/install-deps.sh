#!/usr/bin/env bash
# Installs the Debian packages Verdict needs to build (and, with --test, to
# run every test). Skips apt entirely when every package is already
# installed, so repeat runs are fast.
#   scripts/install-deps.sh          build + demo (scripts/demo.sh)
#   scripts/install-deps.sh --test   also the runtimes the bindings are tested
#                                    against (scripts/test.sh): nginx with the
#                                    lua module, pytest, wrk, curl, Go (cgo),
#                                    Node.js + npm (Okta's Node SDK against
#                                    policy-sim serve, tests/serve)
set -euo pipefail

# What the library and policy-sim need to build, and the demo to run.
PACKAGES=(
  build-essential cmake pkg-config
  libabsl-dev libre2-dev nlohmann-json3-dev libmaxminddb-dev
  libcurl4-openssl-dev libssl-dev zlib1g-dev
  libmaxmind-db-writer-perl python3
  libsimdjson-dev
  libboost-dev
  libz3-dev
)
# The test suite, benchmarks, formatting check and fuzzing (clang), and
# the runtimes the bindings and the server are tested against.
TEST_PACKAGES=(
  clang-format libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  nginx libnginx-mod-http-lua lua-resty-core lua-resty-lrucache
  python3-pytest python3-jsonschema wrk curl golang-go
  nodejs
)
for arg in "$@"; do
  case "${arg}" in
    --test) PACKAGES+=("${TEST_PACKAGES[@]}") ;;
    *)
      echo "usage: scripts/install-deps.sh [--test]" >&2
      exit 2
      ;;
  esac
done

missing=()
for pkg in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "${pkg}" 2>/dev/null || true)"
  if [[ "${status}" != "install ok installed" ]]; then
    missing+=("${pkg}")
  fi
done

# npm: Debian's package only where no npm came with Node.js (a NodeSource
# nodejs ships its own and conflicts with Debian's npm).
if [[ " ${PACKAGES[*]} " == *" nodejs "* ]] && ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [[ "$(id -u)" -ne 0 ]]; then
  echo "install-deps: must run as root to install packages (missing: ${missing[*]})" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
