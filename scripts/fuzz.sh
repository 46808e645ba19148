#!/bin/sh
# Fuzzes the expression parser/evaluator with libFuzzer for a bounded time.
# Needs clang and libclang-rt (Debian: clang, libclang-rt-14-dev).
#   scripts/fuzz.sh [seconds]   (default 60)
set -eu
cd "$(dirname "$0")/.."
seconds="${1:-60}"
build=build-fuzz
CXX=clang++ cmake -S . -B "$build" -DVERDICT_FUZZ=ON -DVERDICT_BUILD_TESTS=OFF \
  -DVERDICT_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target verdict_fuzz_parser -j2
corpus="$build/fuzz-corpus"
mkdir -p "$corpus"
# Seeds: a few valid expressions.
printf '%s' "user.profile.department == 'Sales' && security.risk.level != 'HIGH'" >"$corpus/seed1"
printf '%s' "user.isMemberOf({'group.profile.name': {'Eng', 'Sales'}, 'operator': 'EXACT'})" >"$corpus/seed2"
printf '%s' "login.identifier.substringAfter('@').matches('example\\.(com|org)') ? true : false" >"$corpus/seed3"
printf '%s' "String.stringContains(user.login, 'x') || Arrays.contains(session.amr, 'mfa')" >"$corpus/seed4"
"$build/verdict_fuzz_parser" -max_total_time="$seconds" -max_len=4096 -timeout=5 "$corpus"
