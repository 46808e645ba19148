#!/usr/bin/env bash
# The LuaJIT-in-nginx decision under load: wrk on loopback against
# bindings/lua/nginx.conf, `location = /plain` (return 200, no check) and
# `location /` (the Verdict check, then return 200), in the same run.
#   bench/nginx_wrk.sh PREFIX [SECONDS] [CONNECTIONS] [ROUNDS]
# ROUNDS (default 3) alternates the two locations, so both see the same
# machine load.
# PREFIX: a `cmake --install` prefix. Needs Debian's nginx,
# libnginx-mod-http-lua, lua-resty-core and wrk (scripts/install-deps.sh --test).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
prefix="$(cd "$1" && pwd)"
seconds="${2:-10}"
connections="${3:-32}"
rounds="${4:-3}"

work="$(mktemp -d)"
chmod 755 "${work}"
cleanup() {
  if [[ -f "${work}/logs/nginx.pid" ]]; then
    kill -QUIT "$(cat "${work}/logs/nginx.pid")" 2>/dev/null || true
    sleep 1
  fi
  rm -rf "${work}"
}
trap cleanup EXIT
mkdir -p "${work}/logs"
cp -r fixtures/org "${work}/snapshot"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
sed -e "s#/opt/verdict#${prefix}#g" -e "s#/etc/verdict/snapshot#${work}/snapshot#" \
    -e "s#127.0.0.1:8080#127.0.0.1:${port}#" bindings/lua/nginx.conf >"${work}/nginx.conf"
nginx -p "${work}" -c "${work}/nginx.conf"
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:${port}/plain" >/dev/null && break
  sleep 0.1
done

# One allowed request (fixture user Mia, LegacyApps group, an unzoned client IP).
headers=(-H "X-Verdict-User: 00uMia000000000000g7" -H "X-Verdict-Groups: 00gLegacyApps00000g7"
         -H "X-Forwarded-For: 192.0.2.99")
echo "check: $(curl -s -o /dev/null -w '%{http_code}' "${headers[@]}" "http://127.0.0.1:${port}/") " \
     "$(curl -s -D - -o /dev/null "${headers[@]}" "http://127.0.0.1:${port}/" | grep -i '^x-verdict-outcome')"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t2 -c${connections} -d${seconds}s --latency, nginx worker_processes 2"
for round in $(seq "${rounds}"); do for location in /plain /; do
  echo "--- round ${round}: ${location}"
  wrk -t2 -c"${connections}" -d"${seconds}s" --latency "${headers[@]}" \
    "http://127.0.0.1:${port}${location}" | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket errors'
done; done
if grep -q '\[error\]' "${work}/logs/error.log"; then
  cat "${work}/logs/error.log" >&2
  exit 1
fi
