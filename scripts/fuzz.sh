#!/usr/bin/env bash
# Fuzzes the expression parser/evaluator (tests/expr/fuzz_parser.cc) with
# libFuzzer for a bounded time. CI runs it from scripts/test.sh.
# Needs clang and libclang-rt (Debian: clang, libclang-rt-14-dev).
#   scripts/fuzz.sh [seconds]   (default 60; BUILD_DIR overrides build-fuzz)
# Exits non-zero, naming the reproducer file, when the fuzzer finds a crash,
# a timeout, a memory blow-up or a sanitizer report.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-60}"
build="${BUILD_DIR:-build-fuzz}"
jobs="${JOBS:-2}"

# The target compiles only lib/expr/*.cc, lib/model/policy_type.cc and the
# harness (CMakeLists.txt, VERDICT_FUZZ): a small build, no tests or bench.
CXX=clang++ CC=clang cmake -S . -B "${build}" -DVERDICT_FUZZ=ON -DVERDICT_BUILD_TESTS=OFF \
  -DVERDICT_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "${build}" --target verdict_fuzz_parser -j "${jobs}"

# Seeds: every expression of the table test (values and error rows), so the
# fuzzer starts from inputs that already reach every function. The table's
# C++ string literals are decoded (\\ \" \' \n) into one file each.
corpus="${build}/fuzz-corpus"
artifacts="${build}/fuzz-artifacts"
rm -rf "${artifacts}"
mkdir -p "${corpus}" "${artifacts}"
CORPUS="${corpus}" perl -ne '
  while (/\{"((?:[^"\\]|\\.)*)",\s*(?:true|false|")/g) {
    my $s = $1;
    $s =~ s/\\(["\x27\\])/$1/g;
    $s =~ s/\\n/\n/g;
    open(my $f, ">", sprintf("%s/table-%04d", $ENV{CORPUS}, ++$n)) or die;
    print $f $s;
    close($f);
  }
  END { print STDERR "fuzz: $n seed expressions from the table\n"; die "no seeds\n" unless $n }
' tests/expr/expression_test.cc

log="${build}/fuzz.log"
status=0
"${build}/verdict_fuzz_parser" -max_total_time="${seconds}" -max_len=4096 -timeout=5 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="${artifacts}/" "${corpus}" \
  >"${log}" 2>&1 || status=$?
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|Done )' "${log}" || true
reproducers=("${artifacts}"/*)
if [[ ${status} -ne 0 || -e "${reproducers[0]}" ]]; then
  tail -n 60 "${log}"
  echo "fuzz: FAILED (exit ${status}); reproducer(s):" >&2
  for r in "${reproducers[@]}"; do [[ -e "${r}" ]] && echo "  ${r}" >&2; done
  echo "fuzz: replay with ${build}/verdict_fuzz_parser <file>" >&2
  exit 1
fi
echo "fuzz: no crash, timeout or leak in ${seconds} s (log: ${log})"
