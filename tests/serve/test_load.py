"""wrk (Debian) on /v1/authorize while the snapshot is reloaded every 100 ms:
no request fails and every answer is the decision (200 for an allowed
context). Bounded: 4 seconds of load on loopback.
"""
import base64
import json
import re
import shutil
import subprocess
import threading
import time

import pytest

from conftest import Server, auth, contexts, eval_lines

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk not installed")


def test_reload_every_100ms_under_wrk_loses_no_request(token_file):
    allowed = next(c for c in contexts() if c.get("policyTypes") == ["OKTA_SIGN_ON"]
                   and "app" not in c and eval_lines([c])[0].get("outcome") == "ALLOW"
                   and not eval_lines([c])[0]["blocked"])
    s = Server("--api-token-file", token_file)
    stop = threading.Event()
    reloads = []

    def reload_loop():
        while not stop.is_set():
            reloads.append(s.request("POST", "/v1/reload", headers=auth())[0])
            time.sleep(0.1)

    try:
        thread = threading.Thread(target=reload_loop)
        thread.start()
        encoded = base64.urlsafe_b64encode(json.dumps(allowed).encode()).decode().rstrip("=")
        out = subprocess.run(["wrk", "-t1", "-c16", "-d4s", "-H", "X-Verdict-Context: " + encoded,
                              "-H", "X-Verdict-Trusted-Hop: none", s.url + "/v1/authorize"],
                             capture_output=True, text=True, timeout=60)
        stop.set()
        thread.join()
        assert out.returncode == 0, out.stderr
        assert "Non-2xx" not in out.stdout, out.stdout
        assert "Socket errors" not in out.stdout, out.stdout
        requests = int(re.search(r"(\d+) requests in", out.stdout).group(1))
        assert requests > 1000, out.stdout
        assert len(reloads) >= 20 and set(reloads) == {200}
        metrics = s.request("GET", "/metrics")[2].decode()
        ok = int(re.search(r'verdict_snapshot_reloads_total\{result="success"\} (\d+)',
                           metrics).group(1))
        assert ok == len(reloads)
        served = int(re.search(r'verdict_requests_total\{endpoint="authorize",code="200"\} (\d+)',
                               metrics).group(1))
        assert served >= requests
    finally:
        stop.set()
        assert s.stop() == 0
