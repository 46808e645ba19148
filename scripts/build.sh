#!/usr/bin/env bash
# Configures and builds Verdict.
#   scripts/build.sh              → build/       (RelWithDebInfo)
#   scripts/build.sh --sanitize   → build-asan/  (AddressSanitizer + UBSan)
# JOBS (default 2) sets the parallelism.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=build
cmake_args=()
for arg in "$@"; do
  case "${arg}" in
    --sanitize)
      build_dir=build-asan
      cmake_args+=(-DVERDICT_SANITIZE=ON -DVERDICT_BUILD_BENCH=OFF)
      ;;
    -h|--help)
      echo "usage: scripts/build.sh [--sanitize]"
      exit 0
      ;;
    *)
      echo "build.sh: unknown argument: ${arg}" >&2
      echo "usage: scripts/build.sh [--sanitize]" >&2
      exit 2
      ;;
  esac
done

cmake -S . -B "${build_dir}" "${cmake_args[@]}"
cmake --build "${build_dir}" -j "${JOBS:-2}"
