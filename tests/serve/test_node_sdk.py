"""Okta's Node SDK (@okta/okta-sdk-nodejs, pinned by node/package-lock.json)
calls createPolicySimulation on `policy-sim serve` with an API token; each
result equals `policy-sim eval` on the same context.

node_modules comes from `npm ci --prefix tests/serve/node` (scripts/test.sh).
"""
import json
import os
import shutil
import subprocess

import pytest

from conftest import TOKEN, contexts, eval_lines
from test_serve import matched, simulation_body, simulation_context

NODE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node")

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or
    not os.path.isdir(os.path.join(NODE_DIR, "node_modules", "@okta", "okta-sdk-nodejs")),
    reason="node or tests/serve/node/node_modules missing (run: npm ci --prefix tests/serve/node)")


def sdk(server, bodies, token=TOKEN):
    out = subprocess.run(["node", os.path.join(NODE_DIR, "sdk_test.js"), server.url, token],
                         input=json.dumps(bodies), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_sdk_simulation_equals_eval(server):
    cs = [c for c in contexts() if "ip" in c and "app" not in c][:40]
    results = sdk(server, [simulation_body(c) for c in cs])
    assert len(results) == len(cs)
    for c, result in zip(cs, results):
        assert "ok" in result, result
        want = eval_lines([simulation_context(c)])
        got = result["ok"]["evaluation"]
        assert [e["policyType"] for e in got] == [w["policyType"] for w in want]
        for e, w in zip(got, want):
            expected = (None, None) if w["blocked"] else \
                ((w["policy"] or {}).get("id"), (w["rule"] or {}).get("id"))
            assert matched(e) == expected, c["id"]


def test_sdk_sees_okta_errors(server):
    results = sdk(server, [{"appInstance": "0oaNoSuchApp000000g7", "policyContext": {}}])
    assert results[0]["error"]["status"] == 404
    assert "E0000007" in results[0]["error"]["body"]
    results = sdk(server, [{"policyContext": {}}], token="wrong")
    assert "E0000011" in json.dumps(results[0]["error"])
