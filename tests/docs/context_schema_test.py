#!/usr/bin/env python3
"""docs/schema/context.schema.json against the contexts Verdict ships and the
parser itself: every fixture context is valid, and on a set of samples the
schema accepts exactly what `policy-sim eval --strict` accepts.

  tests/docs/context_schema_test.py SOURCE_DIR POLICY_SIM
"""
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

import jsonschema

source = pathlib.Path(sys.argv[1])
policy_sim = sys.argv[2]
schema = json.loads((source / "docs/schema/context.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failures = []

# Every context the project ships.
contexts = []
for n, line in enumerate((source / "fixtures/contexts.jsonl").read_text().splitlines(), 1):
    if line.strip():
        contexts.append((f"fixtures/contexts.jsonl:{n}", json.loads(line)))
for case in json.loads((source / "fixtures/suite.json").read_text())["cases"]:
    contexts.append((f"fixtures/suite.json {case.get('name')}", case["context"]))
for where, context in contexts:
    for error in validator.iter_errors(context):
        failures.append(f"{where}: {error.json_path}: {error.message}")
if len(contexts) < 300:
    failures.append(f"only {len(contexts)} fixture contexts found")

# Samples on both sides of the line; the parser (with --strict: unknown
# fields are errors) must draw it where the schema does.
samples = [
    {}, {"ip": "192.0.2.1"}, {"ipChain": ["192.0.2.1", {"ip": "198.51.100.2"}]},
    {"user": {"id": "00u1", "groups": [], "profile": {"level": 7}}},
    {"device": {"platform": {"type": "MOBILE", "os": "IOS"}, "managed": True}},
    {"risk": "HIGH"}, {"risk": {"level": "LOW"}}, {"app": {"id": "0oaPayroll00000000g7"}},
    {"identityProvider": {"type": "OKTA"}}, {"$comment": "kept", "_note": 1},
    {"session": {"amr": ["pwd"], "createdAt": "2026-11-28T09:00:00Z"}},
    {"ipaddress": "192.0.2.1"}, {"user": {"grups": []}}, {"device": {"managd": True}},
    {"geo": {"city": "Sydney"}}, {"session": {"amr": "pwd"}}, {"user": {"groups": "00g1"}},
    {"device": {"managed": "yes"}}, {"ip": 7}, {"policyTypes": "OKTA_SIGN_ON"},
    {"threatSuspected": "no"}, {"session": {"started": "2026-11-28T09:00:00Z"}},
    {"authenticators": ["okta_password", "okta_verify:signed_nonce"]}, {"authenticators": []},
    {"authenticators": ["carrier_pigeon"]}, {"authenticators": ["okta_verify:sms"]},
    {"authenticators": "okta_verify"},
]
with tempfile.TemporaryDirectory() as tmp:
    # fixtures/org has one warning on purpose (two policies share priority
    # 12), which --strict refuses: a copy with the same order, distinct
    # priorities.
    org = pathlib.Path(tmp) / "org"
    shutil.copytree(source / "fixtures/org", org)
    policies = json.loads((org / "policies/OKTA_SIGN_ON.json").read_text())
    renumber = {"00pRemoteA00000000g7": 12, "00pRemoteB00000000g7": 13,
                "00pDefaultSignOn00g7": 14}
    for p in policies:
        p["priority"] = renumber.get(p["id"], p["priority"])
    (org / "policies/OKTA_SIGN_ON.json").write_text(json.dumps(policies))
    for sample in samples:
        path = pathlib.Path(tmp) / "c.jsonl"
        path.write_text(json.dumps(sample) + "\n")
        run = subprocess.run(
            [policy_sim, "eval", "--snapshot", str(org), "--contexts",
             str(path), "--output", "jsonl", "--types", "OKTA_SIGN_ON", "--strict"],
            capture_output=True, text=True)
        parser_ok = run.returncode == 0
        if run.returncode == 2:
            failures.append(f"{sample}: snapshot refused: {run.stderr[-300:]}")
            continue
        schema_ok = validator.is_valid(sample)
        if parser_ok != schema_ok:
            failures.append(f"{sample}: schema says {'valid' if schema_ok else 'invalid'}, "
                            f"policy-sim eval --strict exits {run.returncode}: {run.stderr[-300:]}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"{len(contexts)} fixture contexts valid; {len(samples)} samples: schema = parser")
