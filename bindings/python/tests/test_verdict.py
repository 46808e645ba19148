"""The Python binding decides the project's fixtures exactly as `policy-sim
eval` does. Run by scripts/test.sh against the installed library:

    VERDICT_LIBRARY=<prefix>/lib/libverdict.so.0 VERDICT_POLICY_SIM=build/policy-sim \
      python3 -m pytest bindings/python/tests
"""

import json
import os
import pathlib
import subprocess
import threading

import pytest

import verdict

ROOT = pathlib.Path(__file__).resolve().parents[3]
ORG = ROOT / "fixtures" / "org"
ORG_AFTER = ROOT / "fixtures" / "org-after"
CONTEXTS = ROOT / "fixtures" / "contexts.jsonl"
POLICY_SIM = os.environ.get("VERDICT_POLICY_SIM", str(ROOT / "build" / "policy-sim"))


def policy_sim_eval(snapshot, contexts_path):
    run = subprocess.run([POLICY_SIM, "eval", "--snapshot", str(snapshot), "--contexts",
                          str(contexts_path), "--output", "jsonl"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return run.stdout


def context_lines():
    return [line for line in CONTEXTS.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def engine():
    with verdict.Engine(ORG) as e:
        yield e


def test_library_version_is_the_package_version():
    assert verdict.library_version() == verdict.__version__


def test_evaluate_decides_every_fixture_context_as_policy_sim_eval(engine):
    want = [json.loads(line) for line in policy_sim_eval(ORG, CONTEXTS).splitlines()]
    got = []
    for line in context_lines():
        got.extend(engine.evaluate(json.loads(line)))
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g == w


def test_warnings_are_those_policy_sim_prints(engine):
    run = subprocess.run([POLICY_SIM, "eval", "--snapshot", str(ORG), "--contexts", "-"],
                         input="", capture_output=True, text=True, check=True)
    want = [line[len("warning: "):] for line in run.stderr.splitlines()
            if line.startswith("warning: ")]
    assert want, "the fixture org has warnings"
    assert engine.warnings() == want


def test_evaluate_json_is_byte_identical_to_policy_sim_eval(engine):
    want = policy_sim_eval(ORG, CONTEXTS)
    assert "".join(engine.evaluate_json(line) for line in context_lines()) == want


def test_decide_agrees_with_evaluate_on_the_sign_on_policy(engine):
    outcomes = set()
    compared = 0
    for line in context_lines():
        ctx = json.loads(line)
        if "OKTA_SIGN_ON" not in ctx.get("policyTypes", ["OKTA_SIGN_ON"]):
            continue
        user = ctx.get("user", {})
        chain = ctx.get("ipChain") or ([ctx["ip"]] if "ip" in ctx else None)
        # The context reduced to the fields decide() sets; both paths get it.
        reduced = {"id": ctx["id"], "policyTypes": ["OKTA_SIGN_ON"],
                   "user": {"id": user.get("id", ""), "groups": user.get("groups", [])}}
        if chain:
            reduced["ipChain"] = chain
        if "app" in ctx:
            reduced["app"] = ctx["app"]
        [want] = engine.evaluate(reduced)
        got = engine.decide(user=user.get("id"), groups=user.get("groups", []), ip_chain=chain,
                            app=ctx.get("app", {}).get("id"))
        assert got["outcome"] == want.get("outcome", ""), line
        assert got["blocked"] == want["blocked"]
        assert got["policy_id"] == (want["policy"] or {}).get("id")
        assert got["rule_name"] == (want["rule"] or {}).get("name")
        assert got["actions"] == want.get("actions")
        outcomes.add(got["outcome"])
        compared += 1
    assert compared > 100
    assert {"ALLOW", "DENY", "CHALLENGE"} <= outcomes


@pytest.mark.parametrize("context,pointer", [
    ({"ipChain": ["203.0.113.7", "not-an-ip"]}, "/ipChain/1"),
    ({"risk": {"level": "EXTREME"}}, "/risk/level"),
    ({"user": {"groups": "00g1"}}, "/user/groups"),
])
def test_malformed_context_raises_naming_the_pointer(engine, context, pointer):
    with pytest.raises(verdict.VerdictError, match=pointer):
        engine.evaluate(context)


def test_malformed_builder_value_raises_naming_the_pointer(engine):
    with pytest.raises(verdict.VerdictError, match="/ipChain/1"):
        engine.decide(user="00u1", ip_chain="203.0.113.7, 999.1.1.1")


def test_unusable_snapshot_raises_naming_the_directory(tmp_path):
    with pytest.raises(verdict.VerdictError, match=str(tmp_path / "missing")):
        verdict.Engine(tmp_path / "missing")


def test_failed_reload_keeps_serving_and_good_reload_swaps(engine):
    before = "".join(engine.evaluate_json(line) for line in context_lines())
    with pytest.raises(verdict.VerdictError):
        engine.reload("/nonexistent/snapshot")
    assert "".join(engine.evaluate_json(line) for line in context_lines()) == before
    engine.reload(ORG_AFTER)
    try:
        assert "".join(engine.evaluate_json(line) for line in context_lines()) == \
            policy_sim_eval(ORG_AFTER, CONTEXTS)
    finally:
        engine.reload(ORG)


def test_threads_share_one_engine(engine):
    lines = context_lines()
    want = [engine.evaluate_json(line) for line in lines]
    mismatches = []

    def work():
        for i, line in enumerate(lines):
            if engine.evaluate_json(line) != want[i]:
                mismatches.append(i)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert mismatches == []
