"""`policy-sim serve` on a free loopback port (docs/interfaces.md §4, docs/serve.md).

Expected decisions come from `policy-sim eval` on the same contexts, never
from numbers written here.
"""
import base64
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import (CONTEXTS, ORG, ORG_AFTER, POLICY_SIM, TOKEN, Server, auth, contexts,
                      eval_lines)


def curl(server, *args):
    """(status, body) of curl against the server; curl is the client gateways' scripts use."""
    out = subprocess.run(["curl", "-s", "-o", "-", "-w", "\n%{http_code}", *args],
                         capture_output=True, text=True, timeout=60)
    body, _, code = out.stdout.rpartition("\n")
    return int(code), body


def okta_error(body, code):
    error = json.loads(body)
    assert error["errorCode"] == code, body
    assert set(error) >= {"errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"}
    return error


# ------------------------------------------------------------------ evaluate

def test_evaluate_equals_eval(server):
    cs = contexts()
    status, headers, body = server.request("POST", "/v1/evaluate", cs, auth())
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == eval_lines(cs)


def test_evaluate_one_object(server):
    c = contexts(1)[0]
    status, _, body = server.request("POST", "/v1/evaluate", c, auth())
    assert status == 200
    assert json.loads(body) == eval_lines([c])


def test_evaluate_array_elements_are_read_from_their_own_bytes(server):
    # Each element is read from its span of the body: odd layout, and strings
    # holding brackets, commas and escaped quotes, change nothing.
    cs = contexts(3)
    cs[1] = dict(cs[1], id='a],[{"x", \\ }]')
    body = ("\n[ \n" + " ,\n\t".join(json.dumps(c, indent=3) for c in cs) + "  \n]  ").encode()
    status, _, reply = server.request("POST", "/v1/evaluate", body, auth())
    assert status == 200, reply
    assert json.loads(reply) == eval_lines(cs)
    status, _, reply = server.request("POST", "/v1/evaluate", b"[ ]", auth())
    assert status == 200 and json.loads(reply) == []
    status, _, reply = server.request("POST", "/v1/evaluate", b'[{"ip": "192.0.2.1"}, 7]', auth())
    assert status == 400 and json.loads(reply)["line"] == 2, reply
    status, _, reply = server.request("POST", "/v1/evaluate", b'[{"ip": "192.0.2.1"},', auth())
    assert status == 400 and "not JSON" in json.loads(reply)["error"], reply


def test_evaluate_bad_context_is_400_with_line(server):
    cs = contexts(2) + [{"ip": "not-an-ip"}]
    status, _, body = server.request("POST", "/v1/evaluate", cs, auth())
    assert status == 400
    error = json.loads(body)
    assert error["line"] == 3 and "ip" in error["error"]


def test_evaluate_deeply_nested_array_is_400_and_the_server_lives(server):
    # 200,000 levels used to overflow the stack of the DOM walk and end the process.
    body = ("[" + "[" * 200000 + "]" * 200000 + "]").encode()
    status, _, reply = server.request("POST", "/v1/evaluate", body, auth())
    assert status == 400
    assert "nested deeper" in json.loads(reply)["error"]
    status, _, _ = server.request("GET", "/healthz", None, {})
    assert status == 200


# ------------------------------------------------------------------ simulate

def simulation_body(c):
    """The Okta createPolicySimulation body for a fixture context (groups, ip, app)."""
    pc = {}
    if c.get("user", {}).get("groups"):
        pc["groups"] = {"ids": c["user"]["groups"]}
    if c.get("user", {}).get("id"):
        pc["user"] = {"id": c["user"]["id"]}
    if "ip" in c:
        pc["ip"] = c["ip"]
    body = {"policyTypes": c.get("policyTypes", ["OKTA_SIGN_ON"]), "policyContext": pc}
    if "app" in c:
        body["appInstance"] = c["app"]["id"]
    return body


def simulation_context(c):
    """The §2 context the simulation body above stands for."""
    sc = {"policyTypes": c.get("policyTypes", ["OKTA_SIGN_ON"])}
    user = {k: c["user"][k] for k in ("id", "groups") if k in c.get("user", {})}
    if user:
        sc["user"] = user
    for k in ("ip", "app"):
        if k in c:
            sc[k] = c[k]
    return sc


def known_apps():
    """Apps of apps.json and policy-mappings/ (the apps a simulation may name)."""
    apps = {a["id"] for a in json.load(open(os.path.join(ORG, "apps.json")))}
    mappings = os.path.join(ORG, "policy-mappings")
    for name in os.listdir(mappings):
        text = open(os.path.join(mappings, name)).read()
        apps |= set(re.findall(r"0oa[0-9A-Za-z]+", text))
    return apps


def matched(evaluation):
    """(policy id, rule id) of a simulation evaluation's MATCH result, or (None, None)."""
    policies = evaluation["result"]["policies"]
    if not policies:
        return None, None
    assert len(policies) == 1 and policies[0]["status"] == "MATCH"
    rules = [r for r in policies[0]["rules"] if r["status"] == "MATCH"]
    return policies[0]["id"], rules[0]["id"] if rules else None


def test_simulate_matches_eval_for_every_fixture_context(server):
    checked = 0
    for c in contexts():
        if "ip" not in c:
            continue
        body = simulation_body(c)
        status, headers, text = server.request("POST", "/api/v1/policies/simulate", [body], auth())
        if status == 404:  # Okta's answer for an app the org does not have
            assert okta_error(text, "E0000007") and c["app"]["id"] not in known_apps()
            continue
        assert status == 200, text
        assert headers["Content-Type"] == "application/json"
        want = eval_lines([simulation_context(c)])
        got = json.loads(text)["evaluation"]
        assert [e["policyType"] for e in got] == [w["policyType"] for w in want]
        for e, w in zip(got, want):
            assert set(e) >= {"status", "policyType", "result", "evaluated", "undefined"}
            if w["blocked"]:
                assert matched(e) == (None, None)
                continue
            assert matched(e) == ((w["policy"] or {}).get("id"), (w["rule"] or {}).get("id")), c
        checked += 1
    assert checked > 100


def test_simulate_object_policytype_alias_and_zones(server):
    zones = json.load(open(os.path.join(ORG, "zones.json")))
    zone = next(z for z in zones if z.get("status") == "ACTIVE" and z.get("usage") != "BLOCKLIST")
    body = {"policyType": ["OKTA_SIGN_ON"],
            "policyContext": {"groups": {"ids": ["00gSales0000000000g7"]},
                              "zones": {"ids": [zone["id"]]}, "risk": {"level": "LOW"}}}
    status, _, text = server.request("POST", "/api/v1/policies/simulate?expand=RULE", body, auth())
    assert status == 200, text
    want = eval_lines([{"policyTypes": ["OKTA_SIGN_ON"], "user": {"groups": ["00gSales0000000000g7"]},
                        "zones": [zone["id"]], "risk": {"level": "LOW"}}])[0]
    got = json.loads(text)["evaluation"]
    assert len(got) == 1
    assert matched(got[0]) == (want["policy"]["id"], want["rule"]["id"])


def test_simulate_reports_undefined_for_missing_inputs(server):
    # No risk level in the context: riskScore conditions are UNDEFINED.
    body = {"policyTypes": ["OKTA_SIGN_ON"],
            "policyContext": {"groups": {"ids": ["00gSales0000000000g7"]}, "ip": "192.0.2.99"}}
    status, _, text = server.request(
        "POST", "/api/v1/policies/simulate?expand=EVALUATED&expand=RULE", body, auth())
    assert status == 200
    evaluation = json.loads(text)["evaluation"][0]
    conditions = [cond for p in evaluation["result"]["policies"] for r in p["rules"]
                  for cond in r["conditions"]]
    risk = [cond for cond in conditions if cond["type"] == "riskScore"]
    assert risk and all(cond["status"] == "UNDEFINED" for cond in risk)
    # With the risk level given, the same conditions are decided.
    body["policyContext"]["risk"] = {"level": "LOW"}
    _, _, text = server.request("POST", "/api/v1/policies/simulate?expand=RULE", body, auth())
    conditions = [cond for p in json.loads(text)["evaluation"][0]["result"]["policies"]
                  for r in p["rules"] for cond in r["conditions"] if cond["type"] == "riskScore"]
    assert conditions and all(cond["status"] in ("MATCH", "NOT_MATCH") for cond in conditions)
    # Not expanded: evaluated and undefined present but empty.
    _, _, text = server.request("POST", "/api/v1/policies/simulate", body, auth())
    e = json.loads(text)["evaluation"][0]
    assert e["evaluated"] == {"policies": []} and e["undefined"] == {"policies": []}


def test_simulate_errors(server):
    url = server.url + "/api/v1/policies/simulate"
    h = ["-H", "Authorization: SSWS " + TOKEN, "-H", "Content-Type: application/json"]
    code, body = curl(server, "-X", "POST", url, *h, "--data", "{not json")
    assert code == 400 and okta_error(body, "E0000003")
    code, body = curl(server, "-X", "POST", url, *h, "--data",
                      '{"appInstance": "0oaNoSuchApp000000g7", "policyContext": {}}')
    assert code == 404 and okta_error(body, "E0000007")
    code, body = curl(server, "-X", "POST", url, *h, "--data",
                      '{"policyTypes": ["NOT_A_TYPE"], "policyContext": {}}')
    assert code == 400 and okta_error(body, "E0000001")
    code, body = curl(server, "-X", "POST", url, *h, "--data",
                      '{"policyContext": {"device": {"platform": "AMIGA"}}}')
    assert code == 400 and okta_error(body, "E0000001")
    code, body = curl(server, "-X", "GET", url, *h)
    assert code == 405


# ------------------------------------------------------------------ token

@pytest.mark.parametrize("path", ["/api/v1/policies/simulate", "/v1/evaluate", "/v1/reload"])
def test_token_required(server, path):
    url = server.url + path
    for header in ([], ["-H", "Authorization: SSWS wrong"], ["-H", "Authorization: Bearer " + TOKEN],
                   ["-H", "Authorization: SSWS " + TOKEN + "x"]):
        code, body = curl(server, "-X", "POST", url, *header, "--data", "{}")
        assert code == 401, (header, body)
        assert okta_error(body, "E0000011")
        assert TOKEN not in body
    code, _ = curl(server, "-X", "POST", url, "-H", "Authorization: SSWS " + TOKEN, "--data", "{}")
    assert code == 200


def test_health_and_metrics_need_no_token(server):
    code, body = curl(server, server.url + "/healthz")
    health = json.loads(body)
    assert code == 200 and health["status"] == "ok"
    assert health["snapshot"]["policies"] > 0 and health["lastReload"]["ok"] is True
    code, body = curl(server, server.url + "/metrics")
    assert code == 200
    assert 'verdict_requests_total{endpoint="healthz",code="200"} 1' in body
    assert "verdict_decision_seconds_bucket" in body


# ------------------------------------------------------------------ authorize

def b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def test_authorize_status_follows_the_decision(server):
    seen = set()
    for c in contexts():
        if c.get("policyTypes") != ["OKTA_SIGN_ON"] or "app" in c or "ip" not in c:
            continue
        want = eval_lines([c])[0]
        status, headers, _ = server.request(
            "GET", "/v1/authorize",
            headers={"X-Verdict-Context": b64(c), "X-Verdict-Trusted-Hop": "none"})
        outcome = "DENY" if want["blocked"] else (want.get("outcome") or "NONE")
        assert headers["X-Verdict-Outcome"] == outcome, c["id"]
        assert status == {"ALLOW": 200, "CHALLENGE": 401}.get(outcome, 403)
        assert headers["X-Verdict-Blocked"] == ("true" if want["blocked"] else "false")
        if not want["blocked"] and want["rule"]:
            assert headers["X-Verdict-Rule"] == want["rule"]["id"]
        seen.add(outcome)
    assert {"ALLOW", "CHALLENGE", "DENY"} <= seen


def test_authorize_context_header_wins_and_headers_fill_the_rest(server):
    # X-Verdict-Context gives the IP; X-Verdict-User fills the user it leaves out.
    kim = {"policyTypes": ["OKTA_SIGN_ON"], "ip": "192.0.2.99", "user": {"id": "00uKim000000000000g7"}}
    want = eval_lines([kim])[0]
    _, headers, _ = server.request("GET", "/v1/authorize", headers={
        "X-Verdict-Context": b64({"policyTypes": ["OKTA_SIGN_ON"], "ip": "192.0.2.99"}),
        "X-Verdict-User": "00uKim000000000000g7", "X-Forwarded-For": "203.0.113.9"})
    assert headers["X-Verdict-Rule"] == want["rule"]["id"]
    assert headers["X-Verdict-Policy"] == want["policy"]["id"]
    # A user id in the context wins over X-Verdict-User.
    _, headers, _ = server.request("GET", "/v1/authorize", headers={
        "X-Verdict-Context": b64(kim), "X-Verdict-User": "00uNobody00000000000"})
    assert headers["X-Verdict-Rule"] == want["rule"]["id"]
    status, _, body = server.request("GET", "/v1/authorize",
                                     headers={"X-Verdict-Context": b64([1, 2])})
    assert status == 400 and "X-Verdict-Context" in json.loads(body)["error"]


def test_authorize_from_headers_appends_connecting_hop(server):
    # Without X-Verdict-Trusted-Hop: none, 127.0.0.1 (the peer) is the last hop.
    c = {"policyTypes": ["OKTA_SIGN_ON"], "user": {"id": "00uKim000000000000g7"},
         "ipChain": ["192.0.2.99", "127.0.0.1"]}
    want = eval_lines([c])[0]
    status, headers, _ = server.request("GET", "/v1/authorize", headers={
        "X-Forwarded-For": "192.0.2.99", "X-Verdict-User": "00uKim000000000000g7"})
    assert headers["X-Verdict-Outcome"] == want["outcome"]
    assert headers["X-Verdict-Policy"] == want["policy"]["id"]
    # Envoy's ext_authz appends the original path to the prefix.
    _, envoy, _ = server.request("GET", "/v1/authorize/app/page?x=1", headers={
        "X-Forwarded-For": "192.0.2.99", "X-Verdict-User": "00uKim000000000000g7"})
    assert envoy["X-Verdict-Rule"] == want["rule"]["id"]
    status, _, body = server.request("GET", "/v1/authorize",
                                     headers={"X-Forwarded-For": "300.1.1.1"})
    assert status == 400 and "X-Forwarded-For" in json.loads(body)["error"]


# ------------------------------------------------------------------ HTTP limits

def raw(server, data, read_timeout=10):
    """Sends raw bytes; returns what the server answered until it closed."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=read_timeout) as s:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk


def test_malformed_http_is_400_and_closes(server):
    answer = raw(server, b"GARBAGE\x01 / HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400"), answer
    assert b"Connection: close" in answer


def test_body_over_limit_is_413_before_the_body(server, tmp_path):
    # Only the header is sent: the answer must come from Content-Length alone.
    answer = raw(server, b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nAuthorization: SSWS " +
                 TOKEN.encode() + b"\r\nContent-Length: 2000000\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413"), answer
    big = tmp_path / "big.json"
    big.write_bytes(b" " * ((1 << 20) + 1))
    code, body = curl(server, "-X", "POST", server.url + "/v1/evaluate",
                      "-H", "Authorization: SSWS " + TOKEN, "--data-binary", "@" + str(big))
    assert code == 413 and okta_error(body, "E0000003")


def test_headers_over_limit_are_431(server):
    answer = raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 431"), answer


def test_unknown_path_is_404(server):
    code, body = curl(server, server.url + "/nope")
    assert code == 404 and okta_error(body, "E0000007")


def test_slow_client_is_disconnected(token_file):
    s = Server("--read-timeout", "1", "--idle-timeout", "1")
    try:
        start = time.monotonic()
        # Half a request, never finished: the read timeout closes it.
        answer = raw(s, b"GET /healthz HTTP/1.1\r\nHost: x\r\n", read_timeout=20)
        assert answer == b""
        assert time.monotonic() - start < 15
        # An idle connection (nothing sent) is closed by the idle timeout.
        assert raw(s, b"", read_timeout=20) == b""
    finally:
        assert s.stop() == 0


def test_max_connections_answers_503(token_file):
    s = Server("--max-connections", "2")
    held = [socket.create_connection(("127.0.0.1", s.port)) for _ in range(2)]
    try:
        time.sleep(0.2)
        answer = raw(s, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 503"), answer
    finally:
        for h in held:
            h.close()
    time.sleep(0.2)
    assert s.request("GET", "/healthz")[0] == 200
    assert s.stop() == 0


# ------------------------------------------------------------------ reload

def test_reload_failure_keeps_serving_and_shows(token_file, org_copy):
    s = Server("--api-token-file", token_file, snapshot=str(org_copy))
    try:
        c = contexts(3)
        before = s.request("POST", "/v1/evaluate", c, auth())[2]
        rules = org_copy / "rules" / "00pSales0000000000g7.json"
        rules.write_text(rules.read_text().replace('"conditions"', '"conditions": 7, "x"', 1))
        status, _, body = s.request("POST", "/v1/reload", headers=auth())
        assert status == 422
        error = okta_error(body, "E0000001")
        causes = " ".join(cause["errorSummary"] for cause in error["errorCauses"])
        assert "rules/00pSales0000000000g7.json" in causes
        health = json.loads(s.request("GET", "/healthz")[2])
        assert health["lastReload"]["ok"] is False
        assert health["lastReload"]["error"]["file"] == "rules/00pSales0000000000g7.json"
        assert health["lastReload"]["error"]["pointer"].startswith("/")
        metrics = s.request("GET", "/metrics")[2].decode()
        assert 'verdict_snapshot_reloads_total{result="failure"} 1' in metrics
        assert "verdict_snapshot_last_reload_success 0" in metrics
        assert s.request("POST", "/v1/evaluate", c, auth())[2] == before
        # Repaired, then SIGHUP: the new snapshot serves and health is ok.
        rules.write_text(open(os.path.join(ORG, "rules", "00pSales0000000000g7.json")).read())
        s.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            health = json.loads(s.request("GET", "/healthz")[2])
            if health["lastReload"]["ok"]:
                break
            time.sleep(0.05)
        assert health["lastReload"]["ok"] is True
        assert 'verdict_snapshot_reloads_total{result="success"} 1' in \
            s.request("GET", "/metrics")[2].decode()
    finally:
        assert s.stop() == 0


# ------------------------------------------------------------------ SIGTERM

def test_sigterm_finishes_the_request_in_flight(token_file):
    s = Server()
    body = json.dumps(contexts(50)).encode()
    head = (b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    with socket.create_connection(("127.0.0.1", s.port), timeout=20) as conn:
        conn.sendall(head + body[:100])
        time.sleep(0.3)
        s.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        conn.sendall(body[100:])
        answer = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    assert b"Connection: close" in answer
    assert s.proc.wait(timeout=20) == 0
    # No longer accepting.
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", s.port), timeout=2)


# ------------------------------------------------------------------ shadow + decision log

def test_shadow_counts_disagreements_and_logs_what_diff_reads(tmp_path):
    log = tmp_path / "decisions.jsonl"
    s = Server("--shadow", ORG_AFTER, "--decision-log", str(log))
    try:
        cs = contexts()
        status, _, body = s.request("POST", "/v1/evaluate", cs)
        assert status == 200 and json.loads(body) == eval_lines(cs)  # served from --snapshot
        metrics = s.request("GET", "/metrics")[2].decode()
        disagreements = int(re.search(r"^verdict_shadow_disagreements_total (\d+)$", metrics,
                                      re.M).group(1))
        status, headers, _ = s.request("GET", "/v1/authorize", headers={
            "X-Verdict-Context": b64(cs[0])})
        assert "X-Verdict-Shadow-Outcome" in headers
    finally:
        assert s.stop() == 0
    # policy-sim diff on the same contexts counts the same changed decisions.
    diff = subprocess.run([POLICY_SIM, "diff", "--before", ORG, "--after", ORG_AFTER,
                           "--contexts", CONTEXTS], capture_output=True, text=True)
    changed = int(re.search(r"(\d+) of \d+ decisions change", diff.stdout).group(1))
    assert disagreements == changed > 0
    ids = ("blocked", "policy", "rule", "outcome")
    lines = [json.loads(l) for l in log.read_text().splitlines()]
    from_evaluate = [l for l in lines if l["verdictLog"]["endpoint"] == "evaluate"]
    logged = sum(1 for l in from_evaluate for d in l["verdictLog"]["decisions"]
                 if [d["served"].get(k) for k in ids] != [d["shadow"].get(k) for k in ids])
    assert logged == changed
    # The log is a file of contexts: diff reads it and finds the same changes.
    evaluate_log = tmp_path / "evaluate.jsonl"
    evaluate_log.write_text("".join(json.dumps(l) + "\n" for l in from_evaluate))
    diff_log = subprocess.run([POLICY_SIM, "diff", "--before", ORG, "--after", ORG_AFTER,
                               "--contexts", str(evaluate_log)], capture_output=True, text=True)
    assert diff_log.returncode == 1, diff_log.stderr
    assert int(re.search(r"(\d+) of \d+ decisions change", diff_log.stdout).group(1)) == changed
    # replay reads the log too: the served snapshot agrees with every served
    # decision; the proposed one disagrees.
    def replay(snapshot):
        out = subprocess.run([POLICY_SIM, "replay", "--snapshot", snapshot, "--decision-log",
                              str(log), "--output", "json"], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)
    served = replay(ORG)
    assert served["totals"]["evaluated"] == len(lines) and served["totals"]["malformed"] == 0
    assert served["overall"]["compared"] > 0 and served["overall"]["disagree"] == 0
    assert replay(ORG_AFTER)["overall"]["disagree"] > 0


# ------------------------------------------------------------------ --strict

def test_strict_refuses_typos_and_warned_snapshots(tmp_path, org_copy):
    # fixtures/org has one warning on purpose (a priority tie): --strict
    # refuses to serve it, as policy-sim eval --strict refuses to evaluate it.
    refused = subprocess.run(
        [POLICY_SIM, "serve", "--snapshot", ORG, "--listen", "127.0.0.1:0", "--strict"],
        capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2, refused.stderr
    assert "priority 12" in refused.stderr
    # The same org with distinct priorities serves; a context typo is a 400
    # with --strict and a decision without it.
    path = org_copy / "policies" / "OKTA_SIGN_ON.json"
    policies = json.loads(path.read_text())
    renumber = {"00pRemoteA00000000g7": 12, "00pRemoteB00000000g7": 13,
                "00pDefaultSignOn00g7": 14}
    for p in policies:
        p["priority"] = renumber.get(p["id"], p["priority"])
    path.write_text(json.dumps(policies))
    typo = {"ipaddress": "192.0.2.99", "policyTypes": ["OKTA_SIGN_ON"]}
    for strict, want in ((True, 400), (False, 200)):
        s = Server(*(["--strict"] if strict else []), snapshot=str(org_copy))
        try:
            status, _, body = s.request("POST", "/v1/evaluate", typo,
                                        {"Content-Type": "application/json"})
            assert status == want, body
            if strict:
                assert b"did you mean" in body and b"--strict" in body
        finally:
            assert s.stop() == 0, s.log()
