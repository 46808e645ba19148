#!/usr/bin/env bash
# Configures and builds Verdict.
#   scripts/build.sh              → build/       (RelWithDebInfo)
#   scripts/build.sh --sanitize   → build-asan/  (AddressSanitizer + UBSan)
#   scripts/build.sh --demo       → build/, only policy-sim and the GeoIP
#                                   fixtures (no tests, no benchmarks: what
#                                   scripts/demo.sh runs)
# JOBS (default 2) sets the parallelism.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=build
# Line tables only (-g1): full debug info doubles compile time on 2 cores.
# Warnings are errors in the project's own builds (VERDICT_WERROR); a plain
# cmake configure leaves them warnings. ccache, when installed, caches objects
# across configurations and clones.
common_args=(-DVERDICT_WERROR=ON)
if command -v ccache >/dev/null 2>&1; then
  common_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# The test files at -O0 here too: the library, policy-sim and the benchmarks
# they exercise stay -O2, and the test code's own speed is never measured
# (ratios are of library calls), while optimising it was a third of the build.
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
            -DVERDICT_BUILD_TESTS=ON -DVERDICT_BUILD_BENCH=ON -DVERDICT_TEST_COMPILE_OPTIONS=-O0)
targets=()
for arg in "$@"; do
  case "${arg}" in
    --sanitize)
      build_dir=build-asan
      # -O1 keeps sanitizer builds quick to compile and still fast to run.
      # The test files themselves at -O0: under ASan they are most of this
      # build's compile time and take 2-3x as long at -O1; the library and
      # policy-sim they exercise stay at -O1 (docs/performance.md, "CI time").
      cmake_args=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1"
                  -DVERDICT_SANITIZE=ON -DVERDICT_BUILD_TESTS=ON -DVERDICT_BUILD_BENCH=OFF
                  -DVERDICT_TEST_COMPILE_OPTIONS=-O0)
      ;;
    --demo)
      cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
                  -DVERDICT_BUILD_TESTS=OFF -DVERDICT_BUILD_BENCH=OFF
                  -DVERDICT_WERROR=OFF)  # a user's machine: warnings stay warnings
      targets=(--target policy-sim verdict_geoip_fixtures)
      ;;
    -h|--help)
      echo "usage: scripts/build.sh [--sanitize|--demo]"
      exit 0
      ;;
    *)
      echo "build.sh: unknown argument: ${arg}" >&2
      echo "usage: scripts/build.sh [--sanitize|--demo]" >&2
      exit 2
      ;;
  esac
done

cmake -S . -B "${build_dir}" "${common_args[@]}" "${cmake_args[@]}"
cmake --build "${build_dir}" -j "${JOBS:-2}" "${targets[@]}"
