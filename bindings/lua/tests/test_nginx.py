"""nginx + the Lua module + libverdict.so.0, as a gateway runs them.

Starts Debian's nginx with bindings/lua/nginx.conf (only its paths and port
replaced) in a private prefix on a free loopback port, sends requests with
curl and checks each status and X-Verdict-* header against what `policy-sim
eval` decides for the same context (user, groups, X-Forwarded-For chain plus
the connecting 127.0.0.1). Then reloads the snapshot, switching between
fixtures/org and fixtures/org-after, while requests run: no request fails,
each answer is one of the two snapshots' answers, and after the last reload
every worker answers with the new snapshot.

    VERDICT_PREFIX=<install prefix> VERDICT_POLICY_SIM=build/policy-sim \
      python3 -m pytest bindings/lua/tests
"""

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
PREFIX = pathlib.Path(os.environ.get("VERDICT_PREFIX", "/opt/verdict"))
POLICY_SIM = os.environ.get("VERDICT_POLICY_SIM", str(ROOT / "build" / "policy-sim"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STATUS = {"ALLOW": 200, "CHALLENGE": 401, "DENY": 403}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def requests_from_fixtures():
    """Sign-on fixture contexts reduced to what the gateway sends: the user
    id, groups and the IP chain (the Lua module reads nothing else)."""
    out = []
    for line in (ROOT / "fixtures" / "contexts.jsonl").read_text().splitlines():
        if not line.strip():
            continue
        ctx = json.loads(line)
        if "OKTA_SIGN_ON" not in ctx.get("policyTypes", ["OKTA_SIGN_ON"]):
            continue
        chain = ctx.get("ipChain") or ([ctx["ip"]] if "ip" in ctx else [])
        user = ctx.get("user", {})
        out.append({"id": ctx["id"], "user": user.get("id", ""),
                    "groups": user.get("groups", []), "xff": chain})
    return out


def expected(snapshot, requests):
    """policy-sim eval's decision for each request, as nginx should answer."""
    lines = []
    for r in requests:
        ctx = {"id": r["id"], "policyTypes": ["OKTA_SIGN_ON"],
               "ipChain": r["xff"] + ["127.0.0.1"]}
        if r["user"] or r["groups"]:
            ctx["user"] = {"id": r["user"], "groups": r["groups"]}
        lines.append(json.dumps(ctx))
    run = subprocess.run([POLICY_SIM, "eval", "--snapshot", str(snapshot), "--contexts", "-",
                          "--output", "jsonl"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, check=True)
    out = []
    for line in run.stdout.splitlines():
        d = json.loads(line)
        outcome = d.get("outcome", "")
        out.append({
            "status": 403 if d["blocked"] else STATUS.get(outcome, 200),
            "x-verdict-outcome": outcome,
            "x-verdict-blocked": "true" if d["blocked"] else "false",
            "x-verdict-policy": (d["policy"] or {}).get("id"),
            "x-verdict-rule": (d["rule"] or {}).get("id"),
        })
    assert len(out) == len(requests)
    return out


def curl(port, path, headers=()):
    """(status, {lower-case header: value}) or (None, error text)."""
    args = ["curl", "-s", "-o", "/dev/null", "-D", "-", "--max-time", "10"]
    for name, value in headers:
        args += ["-H", "%s: %s" % (name, value)]
    run = subprocess.run(args + ["http://127.0.0.1:%d%s" % (port, path)], capture_output=True,
                         text=True, check=False)
    if run.returncode != 0:
        return None, "curl exit %d %s" % (run.returncode, run.stderr)
    lines = run.stdout.splitlines()
    status = int(lines[0].split()[1])
    headers_out = {}
    for h in lines[1:]:
        if ":" in h:
            name, value = h.split(":", 1)
            headers_out[name.strip().lower()] = value.strip()
    return status, headers_out


def ask(port, request):
    headers = [("X-Verdict-User", request["user"]), ("X-Verdict-Groups", ",".join(request["groups"]))]
    if request["xff"]:
        headers.append(("X-Forwarded-For", ", ".join(request["xff"])))
    status, h = curl(port, "/", headers)
    if status is None:
        return {"status": None, "error": h}
    got = {"status": status}
    for key in ("x-verdict-outcome", "x-verdict-blocked", "x-verdict-policy", "x-verdict-rule"):
        got[key] = h.get(key)
    return got


@pytest.fixture(scope="module")
def gateway():
    work = pathlib.Path(tempfile.mkdtemp(prefix="verdict-nginx-"))
    # nginx's workers run as an unprivileged user: they read the snapshot,
    # the Lua module and the library.
    os.chmod(work, 0o755)
    for name in ("org", "org-after"):
        shutil.copytree(ROOT / "fixtures" / name, work / "snapshots" / name)
    (work / "snapshot").symlink_to(work / "snapshots" / "org")
    (work / "logs").mkdir()
    port = free_port()
    conf = (ROOT / "bindings" / "lua" / "nginx.conf").read_text()
    for old, new in (("/opt/verdict", str(PREFIX)), ("/etc/verdict/snapshot", str(work / "snapshot")),
                     ("127.0.0.1:8080", "127.0.0.1:%d" % port)):
        assert old in conf
        conf = conf.replace(old, new)
    (work / "nginx.conf").write_text(conf)
    server = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf"),
                               "-g", "daemon off;"])
    try:
        deadline = time.time() + 20
        while True:
            status, _ = curl(port, "/plain")
            if status == 200:
                break
            assert server.poll() is None, (work / "logs" / "error.log").read_text()
            assert time.time() < deadline, "nginx did not start"
            time.sleep(0.1)
        yield {"port": port, "work": work}
    finally:
        server.send_signal(signal.SIGQUIT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log = (work / "logs" / "error.log").read_text() if (work / "logs" / "error.log").exists() else ""
        shutil.rmtree(work, ignore_errors=True)
        # Any Lua error in a worker is a failure, even if requests passed.
        assert "[error]" not in log, log
        # Each worker logged the snapshot's warnings (the fixture org has a
        # priority tie) through engine:warnings().
        assert "verdict: snapshot warnings:" in log and "/priority: priority" in log, log


def test_statuses_and_headers_are_policy_sim_decisions(gateway):
    requests = requests_from_fixtures()
    want = expected(ROOT / "fixtures" / "org", requests)
    kinds = {("blocked" if w["x-verdict-blocked"] == "true" else w["x-verdict-outcome"]) for w in want}
    # The fixture requests cover allowed, challenged, blocked-zone and denied.
    assert {"ALLOW", "CHALLENGE", "DENY", "blocked"} <= kinds, kinds
    for r, w in zip(requests, want):
        assert ask(gateway["port"], r) == w, r


def test_malformed_forwarded_for_is_a_bad_request(gateway):
    status, headers = curl(gateway["port"], "/", [("X-Forwarded-For", "203.0.113.7, 300.1.1.1")])
    assert status == 400
    assert headers.get("x-verdict-error", "").startswith("/ipChain/1: ")


def test_reload_while_requests_run(gateway):
    port, work = gateway["port"], gateway["work"]
    requests = requests_from_fixtures()
    want_org = expected(ROOT / "fixtures" / "org", requests)
    want_after = expected(ROOT / "fixtures" / "org-after", requests)
    changed = [i for i in range(len(requests)) if want_org[i] != want_after[i]]
    assert changed, "org-after changes no sign-on decision: the reload would be invisible"

    failures = []
    stop = threading.Event()

    def traffic():
        passes = 0
        while not stop.is_set() and passes < 20:
            for i, r in enumerate(requests):
                got = ask(port, r)
                if got != want_org[i] and got != want_after[i]:
                    failures.append((r["id"], got))
            passes += 1

    def point_at(name):
        link = work / "snapshot.new"
        link.symlink_to(work / "snapshots" / name)
        os.replace(link, work / "snapshot")
        status, _ = curl(port, "/verdict/reload")
        assert status == 200

    threads = [threading.Thread(target=traffic) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for name in ("org-after", "org", "org-after", "org", "org-after"):
            time.sleep(0.4)
            point_at(name)
    finally:
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join()
    assert failures == []
    # After the last reload, every worker serves org-after.
    deadline = time.time() + 10
    while True:
        got = [ask(port, requests[i]) for i in changed for _ in range(2)]
        if got == [want_after[i] for i in changed for _ in range(2)]:
            break
        assert time.time() < deadline, "workers did not all reload"
        time.sleep(0.2)
