#!/usr/bin/env bash
# Measures `policy-sim serve` on loopback (docs/performance.md, "policy-sim
# serve"): wrk -t1 -c16 on /healthz and /v1/authorize (context from plain
# headers, then from X-Verdict-Context) in the same run, /v1/evaluate with 100
# contexts per request, `policy-sim eval` on the same contexts, and RSS
# before/after a soak with a reload every 100 ms. Each run prints the load
# average: on a shared machine compare ratios within one run.
#   [POLICY_SIM=path] [PIN=1] bench/serve_load.sh [SECONDS_PER_RUN] [SOAK_SECONDS]
# PIN=1 runs the server with one worker thread on CPU 0 and wrk on CPU 1
# (taskset), so the tail latencies are not the scheduler moving the two
# between cores: the form the p99 goal is measured in on a 2-core machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs="${1:-10}"
soak="${2:-60}"
bin="${POLICY_SIM:-build/policy-sim}"
tmp="$(mktemp -d)"
trap 'kill "${pid}" 2>/dev/null || true; rm -rf "${tmp}"' EXIT

server_prefix=() wrk_prefix=() server_flags=()
if [[ "${PIN:-0}" == 1 ]]; then
  server_prefix=(taskset -c 0) wrk_prefix=(taskset -c 1) server_flags=(--threads 1)
fi
wrk_bin="$(command -v wrk)"
wrk() { "${wrk_prefix[@]}" "${wrk_bin}" "$@"; }
"${server_prefix[@]}" "${bin}" serve --snapshot fixtures/org --listen 127.0.0.1:0 \
  "${server_flags[@]}" 2>"${tmp}/err" &
pid=$!
for _ in $(seq 100); do grep -q '^listening' "${tmp}/err" && break; sleep 0.05; done
url="$(sed -n 's/^listening on //p' "${tmp}/err")"
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/${pid}/status"; }
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }

# One allowed OKTA_SIGN_ON context for authorize; 100 fixture contexts for evaluate.
ctx="$(grep -m1 '"case-004"' fixtures/contexts.jsonl | base64 -w0 | tr '+/' '-_' | tr -d '=')"
python3 -c '
import json,sys
cs=[json.loads(l) for l in open("fixtures/contexts.jsonl") if l.strip()][:100]
open(sys.argv[1],"w").write(json.dumps(cs))
open(sys.argv[2],"w").write("".join(json.dumps(c)+"\n" for c in cs))' \
  "${tmp}/100.json" "${tmp}/100.jsonl"
cat > "${tmp}/post.lua" <<LUA
wrk.method = "POST"
wrk.body = io.open("${tmp}/100.json"):read("a")
wrk.headers["Content-Type"] = "application/json"
LUA

echo "== RSS at start: $(rss)"
echo "== /healthz"
wrk -t1 -c16 -d"${secs}s" --latency "${url}/healthz" | grep -E 'Req/Sec|requests in|Requests/sec|50%|99%'
load
echo "== /v1/authorize, context from X-Forwarded-For and X-Verdict-User"
wrk -t1 -c16 -d"${secs}s" --latency -H "X-Forwarded-For: 192.0.2.99" \
  -H "X-Verdict-User: 00uMia000000000000g7" -H "X-Verdict-Trusted-Hop: none" \
  "${url}/v1/authorize" | grep -E 'requests in|Requests/sec|50%|99%|Non-2xx'
load
echo "== /v1/authorize, context from X-Verdict-Context"
wrk -t1 -c16 -d"${secs}s" --latency -H "X-Verdict-Context: ${ctx}" -H "X-Verdict-Trusted-Hop: none" \
  "${url}/v1/authorize" | grep -E 'requests in|Requests/sec|50%|99%|Non-2xx'
echo "== /v1/evaluate, 100 contexts per request"
decisions="$(curl -s -XPOST --data-binary @"${tmp}/100.json" "${url}/v1/evaluate" |
  python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
echo "decisions per request: ${decisions}"
wrk -t1 -c16 -d"${secs}s" --latency -s "${tmp}/post.lua" "${url}/v1/evaluate" |
  grep -E 'requests in|Requests/sec|50%|99%|Non-2xx'
echo "== policy-sim eval on the same 100 contexts, 200 times (one process)"
for _ in $(seq 200); do cat "${tmp}/100.jsonl"; done > "${tmp}/20k.jsonl"
/usr/bin/time -f "%e s elapsed, %U s user" "${bin}" eval --snapshot fixtures/org \
  --contexts "${tmp}/20k.jsonl" --output jsonl | wc -l

echo "== soak: ${soak} s of /v1/authorize under wrk with a reload every 100 ms"
load
echo "RSS before: $(rss)"
( end=$((SECONDS + soak))
  while sleep 60 && [[ ${SECONDS} -lt ${end} ]]; do echo "RSS at ${SECONDS} s: $(rss); $(load)"; done ) &
sampler=$!
( end=$((SECONDS + soak)); n=0
  while [[ ${SECONDS} -lt ${end} ]]; do
    curl -s -o /dev/null -XPOST "${url}/v1/reload"; n=$((n + 1)); sleep 0.1
  done; echo "reloads: ${n}" ) &
reloader=$!
wrk -t1 -c16 -d"${soak}s" -H "X-Verdict-Context: ${ctx}" -H "X-Verdict-Trusted-Hop: none" \
  "${url}/v1/authorize" | grep -E 'requests in|Requests/sec|Non-2xx|Socket'
wait "${reloader}"
kill "${sampler}" 2>/dev/null || true
echo "RSS after: $(rss)"
load
curl -s "${url}/metrics" | grep -E '^verdict_snapshot_reloads_total|^verdict_requests_total\{endpoint="authorize"'
