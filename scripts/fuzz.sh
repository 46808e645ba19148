#!/usr/bin/env bash
# Fuzzes with libFuzzer for a bounded time, each harness in turn:
#   parser  the expression parser/evaluator (tests/expr/fuzz_parser.cc)
#   model   contexts, addresses/CIDRs/ranges and snapshot files
#           (tests/model/fuzz_model.cc)
# CI runs it from scripts/test.sh. Needs clang and libclang-rt (Debian:
# clang, libclang-rt-14-dev).
#   scripts/fuzz.sh [seconds per harness] [parser|model|all]
#   (default 60 all; BUILD_DIR overrides build-fuzz)
# Exits non-zero, naming the reproducer file, when the fuzzer finds a crash,
# a timeout, a memory blow-up or a sanitizer report.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-60}"
which="${2:-all}"
build="${BUILD_DIR:-build-fuzz}"
jobs="${JOBS:-2}"

# The target compiles only lib/expr/*.cc, lib/model/policy_type.cc and the
# harness (CMakeLists.txt, VERDICT_FUZZ): a small build, no tests or bench.
CXX=clang++ CC=clang cmake -S . -B "${build}" -DVERDICT_FUZZ=ON -DVERDICT_BUILD_TESTS=OFF \
  -DVERDICT_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "${build}" --target verdict_fuzz_parser verdict_fuzz_model -j "${jobs}"

# Runs one harness over its corpus; fails naming the reproducers.
run_fuzzer() {
  local name="$1" corpus="$2" max_len="$3"
  local artifacts="${build}/fuzz-artifacts-${name}"
  local log="${build}/fuzz-${name}.log"
  rm -rf "${artifacts}"
  mkdir -p "${artifacts}"
  local status=0
  "${build}/verdict_fuzz_${name}" -max_total_time="${seconds}" -max_len="${max_len}" -timeout=5 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="${artifacts}/" "${corpus}" \
    >"${log}" 2>&1 || status=$?
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|Done )' "${log}" || true
  local reproducers=("${artifacts}"/*)
  if [[ ${status} -ne 0 || -e "${reproducers[0]}" ]]; then
    tail -n 60 "${log}"
    echo "fuzz ${name}: FAILED (exit ${status}); reproducer(s):" >&2
    for r in "${reproducers[@]}"; do [[ -e "${r}" ]] && echo "  ${r}" >&2; done
    echo "fuzz ${name}: replay with ${build}/verdict_fuzz_${name} <file>" >&2
    exit 1
  fi
  echo "fuzz ${name}: no crash, timeout or leak in ${seconds} s (log: ${log})"
}

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

if [[ "${which}" == all || "${which}" == parser ]]; then
  run_fuzzer parser "${corpus}" 4096
fi

# Seeds for the model harness: the first byte picks the target (0 context,
# 1 address, 2 snapshot image; tests/model/fuzz_model.cc).
if [[ "${which}" == all || "${which}" == model ]]; then
  model_corpus="${build}/fuzz-corpus-model"
  mkdir -p "${model_corpus}"
  n=0
  while IFS= read -r line; do
    n=$((n + 1))
    { printf '\x00'; printf '%s' "${line}"; } >"${model_corpus}/context-${n}"
  done < <(head -n 60 fixtures/contexts.jsonl)
  for text in 192.0.2.0/24 2001:db8::/32 10.0.0.1-10.0.0.9 ::ffff:1.2.3.4 203.0.113.7; do
    n=$((n + 1))
    { printf '\x01'; printf '%s' "${text}"; } >"${model_corpus}/address-${n}"
  done
  { printf '\x02'; cat fixtures/org/zones.json; printf '\n--\n'
    cat fixtures/org/policies/OKTA_SIGN_ON.json; printf '\n--\n'
    cat fixtures/org/rules/00pSales0000000000g7.json; printf '\n--\n'
    cat fixtures/org/groups.json; } >"${model_corpus}/snapshot-org"
  run_fuzzer model "${model_corpus}" 65536
fi
