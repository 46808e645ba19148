#!/usr/bin/env bash
# Fuzzes with libFuzzer for a bounded time, two harnesses at a time when
# JOBS (default 2) allows (parser with model, then logs with pull):
#   parser  the expression parser/evaluator (tests/expr/fuzz_parser.cc)
#   model   contexts, addresses/CIDRs/ranges and snapshot files
#           (tests/model/fuzz_model.cc)
#   logs    System Log exports and events: reader, parser against the
#           nlohmann reading, conversion (tests/logs/fuzz_logs.cc)
#   pull    what a pull reads from the server: bodies, Link headers, error
#           objects, listing ids, files written (tests/api/fuzz_pull.cc)
# CI runs it from scripts/test.sh. Needs clang and libclang-rt (Debian:
# clang, libclang-rt-14-dev).
#   scripts/fuzz.sh [seconds per harness] [parser|model|logs|pull|all]
#   (default 60 all; BUILD_DIR overrides build-fuzz; SHORT_SECONDS, default
#   the same as seconds, bounds logs and pull, which CI runs for less)
# Exits non-zero, naming the reproducer file, when the fuzzer finds a crash,
# a timeout, a memory blow-up or a sanitizer report.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-60}"
which="${2:-all}"
short_seconds="${SHORT_SECONDS:-${seconds}}"
build="${BUILD_DIR:-build-fuzz}"
jobs="${JOBS:-2}"

# The targets compile only the stages they fuzz (lib/expr, lib/model, lib/logs
# without its threads, lib/api's response_page.cc) and the harness
# (CMakeLists.txt, VERDICT_FUZZ): a small build, no tests or bench.
targets=()
for t in parser model logs pull; do
  if [[ "${which}" == all || "${which}" == "${t}" ]]; then targets+=("verdict_fuzz_${t}"); fi
done
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz: unknown harness ${which} (parser, model, logs, pull or all)" >&2
  exit 2
fi
# Line tables only (-g1, as scripts/build.sh): reports still name file and
# line, and the build takes less time than with full debug information.
CXX=clang++ CC=clang cmake -S . -B "${build}" -DVERDICT_FUZZ=ON -DVERDICT_BUILD_TESTS=OFF \
  -DVERDICT_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" >/dev/null
cmake --build "${build}" --target "${targets[@]}" -j "${jobs}"

# Runs one harness over its corpus; fails naming the reproducers.
run_fuzzer() {
  local name="$1" corpus="$2" max_len="$3" secs="${4:-${seconds}}"
  local artifacts="${build}/fuzz-artifacts-${name}"
  local log="${build}/fuzz-${name}.log"
  rm -rf "${artifacts}"
  mkdir -p "${artifacts}"
  local status=0
  "${build}/verdict_fuzz_${name}" -max_total_time="${secs}" -max_len="${max_len}" -timeout=5 \
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
  echo "fuzz ${name}: no crash, timeout or leak in ${secs} s (log: ${log})"
}

# With JOBS > 1 a harness runs in the background and `finish` waits for the
# ones started (each is single-threaded: two at a time halve the wall time on
# two cores without shortening any budget); else each runs in turn.
pids=()
launch() {
  if [[ "${jobs}" -gt 1 ]]; then
    "$@" &
    pids+=($!)
  else
    "$@"
  fi
}
finish() {
  local failed=0 pid
  for pid in "${pids[@]}"; do wait "${pid}" || failed=1; done
  pids=()
  if [[ ${failed} -ne 0 ]]; then exit 1; fi
}

# Writes each line of stdin as one seed DIR/NAME-N, after the byte PREFIX
# (a printf escape such as '\x00': the harness's target).
seed_lines() {
  local prefix="$1" dir="$2" name="$3" n=0 line
  while IFS= read -r line; do
    n=$((n + 1))
    { printf "${prefix}"; printf '%s' "${line}"; } >"${dir}/${name}-${n}"
  done
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
  launch run_fuzzer parser "${corpus}" 4096
fi

# Seeds for the model harness: the first byte picks the target (0 context,
# 1 address, 2 snapshot image; tests/model/fuzz_model.cc).
if [[ "${which}" == all || "${which}" == model ]]; then
  model_corpus="${build}/fuzz-corpus-model"
  mkdir -p "${model_corpus}"
  seed_lines '\x00' "${model_corpus}" context < <(head -n 60 fixtures/contexts.jsonl)
  printf '%s\n' 192.0.2.0/24 2001:db8::/32 10.0.0.1-10.0.0.9 ::ffff:1.2.3.4 203.0.113.7 |
    seed_lines '\x01' "${model_corpus}" address
  { printf '\x02'; cat fixtures/org/zones.json; printf '\n--\n'
    cat fixtures/org/policies/OKTA_SIGN_ON.json; printf '\n--\n'
    cat fixtures/org/rules/00pSales0000000000g7.json; printf '\n--\n'
    cat fixtures/org/groups.json; } >"${model_corpus}/snapshot-org"
  launch run_fuzzer model "${model_corpus}" 65536
fi
finish

# Seeds for the logs harness: the first byte picks the target (even: one
# event, odd: an export whose next byte picks the format;
# tests/logs/fuzz_logs.cc). Every event of the small fixtures, and the
# fixtures whole as exports in each format.
if [[ "${which}" == all || "${which}" == logs ]]; then
  logs_corpus="${build}/fuzz-corpus-logs"
  mkdir -p "${logs_corpus}"
  seed_lines '\x00' "${logs_corpus}" event < <(cat fixtures/logs/signon-events.jsonl
    head -n 40 fixtures/logs/org-signon.jsonl)
  { printf '\x01\x00'; cat fixtures/logs/signon-events.json; } >"${logs_corpus}/export-array"
  { printf '\x01\x02'; head -c 8000 fixtures/logs/signon-events.jsonl; } >"${logs_corpus}/export-lines"
  { printf '\x01\x03'; head -c 8000 fixtures/logs/signon-events.json; } >"${logs_corpus}/export-stream"
  launch run_fuzzer logs "${logs_corpus}" 65536 "${short_seconds}"
fi

# Seeds for the pull harness: Link header values, a blank line, a body
# (tests/api/fuzz_pull.cc): the fixture org's listings and objects, a logs
# page, and Okta's error object.
if [[ "${which}" == all || "${which}" == pull ]]; then
  pull_corpus="${build}/fuzz-corpus-pull"
  mkdir -p "${pull_corpus}"
  link='<https://acme.okta.com/api/v1/zones?after=nzo2&limit=2>; rel="next", <https://acme.okta.com/api/v1/zones>; rel="self"'
  n=0
  for f in fixtures/org/zones.json fixtures/org/policies/OKTA_SIGN_ON.json \
    fixtures/org/rules/00pSales0000000000g7.json fixtures/org/groups.json; do
    n=$((n + 1))
    { printf '%s\n\n' "${link}"; cat "${f}"; } >"${pull_corpus}/page-${n}"
  done
  { printf '%s\n\n[' "${link}"; head -n 3 fixtures/logs/signon-events.jsonl | paste -sd, -
    printf ']'; } >"${pull_corpus}/logs-page"
  printf '\n\n{"errorCode":"E0000006","errorSummary":"You do not have permission","errorId":"oae1","errorCauses":[{"errorSummary":"scope"}]}' \
    >"${pull_corpus}/error"
  launch run_fuzzer pull "${pull_corpus}" 65536 "${short_seconds}"
fi
finish
