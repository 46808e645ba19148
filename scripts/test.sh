#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: the suite in build/,
# the installed CMake package consumed by tests/cmake_package, the shared
# library and the C API from C (pkg-config), Python, Rust and LuaJIT in nginx
# (bindings/, docs/embedding.md), the suite again
# under AddressSanitizer + UndefinedBehaviorSanitizer in build-asan/, the
# fuzzers for a bounded time (the benchmarks are built with the suite, not
# run: their figures are docs/performance.md's). Exits non-zero on the first
# failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
jobs="${JOBS:-2}"

# Each step with the minutes and seconds since the start, so a slow CI run
# shows where its time went.
start_seconds=${SECONDS}
step() {
  local t=$((SECONDS - start_seconds))
  printf '\n==> [%d:%02d] %s\n' $((t / 60)) $((t % 60)) "$*"
}

step "dependencies"
bash scripts/install-deps.sh --test

# Okta's Node SDK for tests/serve, at the version its lockfile pins.
step "npm ci (tests/serve/node)"
npm ci --prefix tests/serve/node --no-audit --no-fund

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

# The C API and its bindings against the installed prefix (own script, so it
# can be run alone: scripts/test-embedding.sh PREFIX).
chmod 755 "${tmp}"
bash scripts/test-embedding.sh "${tmp}/prefix"

step "build (build-asan/, ASan + UBSan)"
bash scripts/build.sh --sanitize
# alloc_dealloc_mismatch=0: tests/support/alloc_counter.cc replaces operator new/delete
# with counting malloc/free pairs; the library's nothrow new still comes from ASan.
step "tests (build-asan/)"
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:alloc_dealloc_mismatch=0}" \
UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
  ctest --test-dir build-asan --output-on-failure -j "${jobs}"

# libFuzzer on the expression parser and evaluator, on the model's parsers of
# untrusted input (contexts, addresses, snapshot files), on the System Log
# reader and event parser, and on what a pull reads from the server, in its
# own clang build (build-fuzz/, only the stages fuzzed): a crash, timeout,
# leak or disagreement with the reference reading fails CI and names the
# reproducer. FUZZ_SECONDS bounds the first two (default 45),
# FUZZ_SHORT_SECONDS the System Log and pull harnesses (default 30).
step "fuzz expressions, the model's parsers, System Log events and pull responses (build-fuzz/)"
JOBS="${jobs}" SHORT_SECONDS="${FUZZ_SHORT_SECONDS:-30}" bash scripts/fuzz.sh "${FUZZ_SECONDS:-45}"

step "benchmark smoke test"
if [[ -x build/verdict_bench ]]; then
  ./build/verdict_bench --benchmark_min_time=0.01
else
  echo "build/verdict_bench not built (no bench/ sources yet): skipped"
fi

step "all tests passed (${root})"
