#!/usr/bin/env bash
# Installs the Debian packages Verdict needs to build (and, with --test, to
# run every test). Skips apt entirely when every package is already
# installed, so repeat runs are fast.
#   scripts/install-deps.sh          build + demo (scripts/demo.sh)
#   scripts/install-deps.sh --test   also the runtimes the bindings are tested
#                                    against (scripts/test.sh): nginx with the
#                                    lua module, pytest, wrk, curl, Go (cgo)
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config clang-format
  libabsl-dev libre2-dev nlohmann-json3-dev libmaxminddb-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcurl4-openssl-dev zlib1g-dev
  libmaxmind-db-writer-perl python3
  libsimdjson-dev
  clang libclang-rt-14-dev
)
TEST_PACKAGES=(
  nginx libnginx-mod-http-lua lua-resty-core lua-resty-lrucache
  python3-pytest wrk curl golang-go
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
