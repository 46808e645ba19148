#!/usr/bin/env bash
# Instructions per request of `policy-sim serve` (docs/performance.md,
# "/v1/authorize profiled and fixed"): callgrind counts user-space
# instructions, the same whatever else the machine is doing. For each request
# kind, a server with --threads 1 answers N requests on one keep-alive
# connection; a server that answers none is subtracted.
#   [POLICY_SIM=path] bench/serve_instructions.sh [N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin="${POLICY_SIM:-build/policy-sim}"
n="${1:-1000}"
ctx="$(grep -m1 '"case-004"' fixtures/contexts.jsonl | base64 -w0 | tr '+/' '-_' | tr -d '=')"

# Total instructions of a server that answers $2 requests of kind $1.
count() {
  local tmp pid port
  tmp="$(mktemp -d)"
  valgrind --tool=callgrind --callgrind-out-file="${tmp}/cg.out" "${bin}" serve \
    --snapshot fixtures/org --listen 127.0.0.1:0 --threads 1 2>"${tmp}/err" &
  pid=$!
  for _ in $(seq 600); do grep -q '^listening' "${tmp}/err" && break; sleep 0.1; done
  port="$(sed -n 's/^listening on http:\/\/127.0.0.1://p' "${tmp}/err")"
  python3 - "${port}" "$1" "$2" "${ctx}" <<'PY'
import http.client, sys
port, kind, n, ctx = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
path, headers = {
    "healthz": ("/healthz", {}),
    "headers": ("/v1/authorize", {"X-Forwarded-For": "192.0.2.99",
                                  "X-Verdict-User": "00uMia000000000000g7",
                                  "X-Verdict-Trusted-Hop": "none"}),
    "context": ("/v1/authorize", {"X-Verdict-Context": ctx, "X-Verdict-Trusted-Hop": "none"}),
}[kind]
c = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n):
    c.request("GET", path, headers=headers)
    r = c.getresponse()
    r.read()
    assert r.status in (200, 401, 403), r.status
PY
  kill -TERM "${pid}"
  wait "${pid}" || true
  awk '/^totals:/ {print $2}' "${tmp}/cg.out"
  rm -rf "${tmp}"
}

idle="$(count healthz 0)"
for kind in healthz headers context; do
  total="$(count "${kind}" "${n}")"
  echo "${kind}: $(( (total - idle) / n )) instructions per request"
done
