#!/usr/bin/env bash
# The C API and its bindings against an installed prefix (cmake --install):
# libverdict.so's SONAME and exported symbols; the C11 consumers built with
# pkg-config only; the Python binding against policy-sim eval; the Rust and
# Go examples when their toolchains exist; the LuaJIT module in Debian's nginx.
# Run by scripts/test.sh; alone:
#   scripts/test-embedding.sh PREFIX       (build/policy-sim must be built)
# Needs the packages of scripts/install-deps.sh --test. Exits non-zero on the
# first failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
prefix="$(cd "$1" && pwd)"
step() { printf '\n==> %s\n' "$*"; }
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT

step "shared library: SONAME, exported symbols"
lib="${prefix}/lib/libverdict.so.0"
objdump -p "${lib}" | grep -E 'SONAME +libverdict\.so\.0$'
# Only the C API (verdict_*) and the C++ API in namespace verdict (not its
# internal namespaces) are exported: no Abseil, RE2, nlohmann or std symbols.
nm -D --defined-only "${lib}" | awk '$2 ~ /^[TWVBDR]$/ {print $3}' | c++filt >"${tmp}/exports"
if grep -v '@@VERDICT_0$' "${tmp}/exports"; then
  echo "libverdict.so exports symbols without the VERDICT_0 version (above)" >&2
  exit 1
fi
sed -i 's/@@VERDICT_0$//' "${tmp}/exports"
if grep -vE '^(verdict_[a-z_]+|(typeinfo|vtable|typeinfo name) for verdict::|verdict::)' "${tmp}/exports" ||
   grep -E 'verdict::(internal|model_internal|capi)' "${tmp}/exports"; then
  echo "libverdict.so exports symbols beyond the public API (above)" >&2
  exit 1
fi
grep -c '^verdict_' "${tmp}/exports"

step "C API from C11 through pkg-config (two threads, failed reloads)"
export PKG_CONFIG_PATH="${prefix}/lib/pkgconfig"
pkg-config --modversion verdict
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -pedantic tests/c/c_api_threads_test.c \
  $(pkg-config --cflags --libs verdict) -o "${tmp}/c_api_threads_test"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -pedantic docs/examples/decide.c \
  $(pkg-config --cflags --libs verdict) -o "${tmp}/decide"
LD_LIBRARY_PATH="${prefix}/lib" "${tmp}/c_api_threads_test" fixtures/org fixtures/contexts.jsonl
LD_LIBRARY_PATH="${prefix}/lib" "${tmp}/decide" fixtures/org 00uMia000000000000g7 \
  00gLegacyApps00000g7 "192.0.2.99"
unset PKG_CONFIG_PATH

# Debian's pytest runs under Debian's python3 (not a python3 earlier on PATH).
step "Python binding (ctypes) against policy-sim eval"
VERDICT_LIBRARY="${lib}" VERDICT_POLICY_SIM="${root}/build/policy-sim" \
PYTHONPATH="${prefix}/share/verdict/python" PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 -m pytest -p no:cacheprovider -q bindings/python/tests

VERDICT_LIBRARY="${lib}" PYTHONPATH="${prefix}/share/verdict/python" PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 docs/examples/decide.py fixtures/org | tee "${tmp}/decide-py.out"
grep -q '^OKTA_SIGN_ON ALLOW' "${tmp}/decide-py.out"

# The Rust and Go examples of docs/embedding.md, where the toolchains exist.
step "Rust and Go examples (when rustc / go are installed)"
if command -v rustc >/dev/null 2>&1; then
  rustc -O --edition 2021 docs/examples/decide.rs -L "${prefix}/lib" -l verdict \
    -o "${tmp}/decide-rs"
  LD_LIBRARY_PATH="${prefix}/lib" "${tmp}/decide-rs" fixtures/org
else
  echo "rustc not installed: Rust example skipped"
fi
if command -v go >/dev/null 2>&1; then
  (cd docs/examples/go && PKG_CONFIG_PATH="${prefix}/lib/pkgconfig" \
     LD_LIBRARY_PATH="${prefix}/lib" GO111MODULE=off GOCACHE="${tmp}/gocache" \
     GOPATH="${tmp}/gopath" go run main.go "${root}/fixtures/org")
else
  echo "go not installed: Go example skipped"
fi

step "LuaJIT module in nginx (access_by_lua_block, reload under load)"
VERDICT_PREFIX="${prefix}" VERDICT_POLICY_SIM="${root}/build/policy-sim" \
PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m pytest -p no:cacheprovider -q bindings/lua/tests
