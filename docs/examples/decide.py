# Decide with the Python binding (bindings/python, ctypes over libverdict.so.0).
# docs/embedding.md shows this file; scripts/test.sh runs it on fixtures/org:
#   VERDICT_LIBRARY=/opt/verdict/lib/libverdict.so.0 \
#   PYTHONPATH=/opt/verdict/share/verdict/python python3 decide.py fixtures/org
import sys

import verdict

engine = verdict.Engine(sys.argv[1] if len(sys.argv) > 1 else "fixtures/org")

# The JSON form (docs/interfaces.md §2): one decision per policy type, the
# objects `policy-sim eval --output jsonl` prints.
for decision in engine.evaluate({
        "id": "req-1",
        "policyTypes": ["OKTA_SIGN_ON"],
        "user": {"id": "00uMia000000000000g7", "groups": ["00gLegacyApps00000g7"]},
        "ipChain": ["192.0.2.99"],
}):
    print(decision["policyType"], decision["outcome"], decision["rule"]["name"])

# The builder: no JSON on the way in, one policy type.
d = engine.decide(user="00uMia000000000000g7", groups=["00gLegacyApps00000g7"],
                  ip_chain="192.0.2.99")
print(d["outcome"], d["rule_name"], "requireFactor" if d["require_factor"] else "")

# Errors name the JSON pointer.
try:
    engine.evaluate({"ipChain": ["192.0.2.99", "not-an-ip"]})
except verdict.VerdictError as e:
    print("error:", e)
