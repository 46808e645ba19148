#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: the suite in build/,
# the installed CMake package consumed by tests/cmake_package, the shared
# library and the C API from C (pkg-config), Python, Rust and LuaJIT in nginx
# (bindings/, docs/embedding.md), the suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/, the
# expression fuzzer for a bounded time, and the benchmarks once as a smoke
# test. Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
jobs="${JOBS:-2}"

step() { printf '\n==> %s\n' "$*"; }

step "dependencies"
bash scripts/install-deps.sh --test

step "build (build/)"
bash scripts/build.sh
step "tests (build/)"
ctest --test-dir build --output-on-failure -j "${jobs}"

step "install + find_package(verdict) consumers"
tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT
cmake --install build --prefix "${tmp}/prefix" >/dev/null
cmake -S tests/cmake_package -B "${tmp}/consumer" -DCMAKE_PREFIX_PATH="${tmp}/prefix" \
  -DCMAKE_CXX_COMPILER_LAUNCHER="$(command -v ccache || true)" >/dev/null
cmake --build "${tmp}/consumer" -j "${jobs}"
# The README's embedding example, against the fixture org; it links
# verdict::core only, so its binary must not need libcurl, simdjson or zlib.
"${tmp}/consumer/verdict_consumer" fixtures/org | tee "${tmp}/consumer.out"
grep -q '"policyType": "OKTA_SIGN_ON"' "${tmp}/consumer.out"
if ldd "${tmp}/consumer/verdict_consumer" | grep -E 'libcurl|libsimdjson|libz\.so'; then
  echo "verdict::core consumer links a tool-stage dependency" >&2
  exit 1
fi
"${tmp}/consumer/verdict_tools_consumer"
# The same example through libverdict.so (the exported C++ API) and the C
# example through the CMake package.
LD_LIBRARY_PATH="${tmp}/prefix/lib" "${tmp}/consumer/verdict_shared_consumer" fixtures/org |
  grep -q '"policyType": "OKTA_SIGN_ON"'
LD_LIBRARY_PATH="${tmp}/prefix/lib" "${tmp}/consumer/verdict_c_consumer" fixtures/org \
  00uMia000000000000g7 00gLegacyApps00000g7 192.0.2.99

step "shared library: SONAME, exported symbols"
lib="${tmp}/prefix/lib/libverdict.so.0"
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
chmod 755 "${tmp}"
export PKG_CONFIG_PATH="${tmp}/prefix/lib/pkgconfig"
pkg-config --modversion verdict
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -pedantic tests/c/c_api_threads_test.c \
  $(pkg-config --cflags --libs verdict) -o "${tmp}/c_api_threads_test"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -pedantic docs/examples/decide.c \
  $(pkg-config --cflags --libs verdict) -o "${tmp}/decide"
LD_LIBRARY_PATH="${tmp}/prefix/lib" "${tmp}/c_api_threads_test" fixtures/org fixtures/contexts.jsonl
LD_LIBRARY_PATH="${tmp}/prefix/lib" "${tmp}/decide" fixtures/org 00uMia000000000000g7 \
  00gLegacyApps00000g7 "192.0.2.99"
unset PKG_CONFIG_PATH

# Debian's pytest runs under Debian's python3 (not a python3 earlier on PATH).
step "Python binding (ctypes) against policy-sim eval"
VERDICT_LIBRARY="${lib}" VERDICT_POLICY_SIM="${root}/build/policy-sim" \
PYTHONPATH="${tmp}/prefix/share/verdict/python" PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 -m pytest -p no:cacheprovider -q bindings/python/tests

VERDICT_LIBRARY="${lib}" PYTHONPATH="${tmp}/prefix/share/verdict/python" PYTHONDONTWRITEBYTECODE=1 \
  /usr/bin/python3 docs/examples/decide.py fixtures/org | tee "${tmp}/decide-py.out"
grep -q '^OKTA_SIGN_ON ALLOW' "${tmp}/decide-py.out"

# The Rust and Go examples of docs/embedding.md, where the toolchains exist.
step "Rust and Go examples (when rustc / go are installed)"
if command -v rustc >/dev/null 2>&1; then
  rustc -O --edition 2021 docs/examples/decide.rs -L "${tmp}/prefix/lib" -l verdict \
    -o "${tmp}/decide-rs"
  LD_LIBRARY_PATH="${tmp}/prefix/lib" "${tmp}/decide-rs" fixtures/org
else
  echo "rustc not installed: Rust example skipped"
fi
if command -v go >/dev/null 2>&1; then
  (cd docs/examples/go && PKG_CONFIG_PATH="${tmp}/prefix/lib/pkgconfig" \
     LD_LIBRARY_PATH="${tmp}/prefix/lib" GO111MODULE=off go run main.go "${root}/fixtures/org")
else
  echo "go not installed: Go example skipped"
fi

step "LuaJIT module in nginx (access_by_lua_block, reload under load)"
VERDICT_PREFIX="${tmp}/prefix" VERDICT_POLICY_SIM="${root}/build/policy-sim" \
PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m pytest -p no:cacheprovider -q bindings/lua/tests

step "build (build-asan/, ASan + UBSan)"
bash scripts/build.sh --sanitize
# alloc_dealloc_mismatch=0: tests/support/alloc_counter.cc replaces operator new/delete
# with counting malloc/free pairs; the library's nothrow new still comes from ASan.
step "tests (build-asan/)"
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:alloc_dealloc_mismatch=0}" \
UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
  ctest --test-dir build-asan --output-on-failure -j "${jobs}"

# libFuzzer on the expression parser and evaluator, in its own clang build
# (build-fuzz/, a few files): a crash, timeout or leak fails CI and names the
# reproducer. FUZZ_SECONDS bounds the run (default 75).
step "fuzz the expression language (build-fuzz/, ${FUZZ_SECONDS:-75} s)"
JOBS="${jobs}" bash scripts/fuzz.sh "${FUZZ_SECONDS:-75}"

step "benchmark smoke test"
if [[ -x build/verdict_bench ]]; then
  ./build/verdict_bench --benchmark_min_time=0.01
else
  echo "build/verdict_bench not built (no bench/ sources yet): skipped"
fi

step "all tests passed (${root})"
