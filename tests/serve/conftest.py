"""Starts `policy-sim serve` on a free loopback port for the tests in this folder.

VERDICT_POLICY_SIM names the binary (ctest sets it); VERDICT_SOURCE_DIR the
source root (for fixtures/).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import pytest

ROOT = os.environ.get("VERDICT_SOURCE_DIR",
                      os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
POLICY_SIM = os.environ.get("VERDICT_POLICY_SIM", os.path.join(ROOT, "build", "policy-sim"))
ORG = os.path.join(ROOT, "fixtures", "org")
ORG_AFTER = os.path.join(ROOT, "fixtures", "org-after")
CONTEXTS = os.path.join(ROOT, "fixtures", "contexts.jsonl")
TOKEN = "00TestTokenForVerdictServe-abcdefghij"


class Server:
    """One running `policy-sim serve`; stop() sends SIGTERM and returns the exit code."""

    def __init__(self, *args, snapshot=ORG):
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [POLICY_SIM, "serve", "--snapshot", snapshot, "--listen", "127.0.0.1:0", *args],
            stdout=subprocess.DEVNULL, stderr=self.stderr)
        deadline = time.monotonic() + 30
        self.port = None
        while time.monotonic() < deadline and self.port is None:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited {self.proc.returncode}: {self.log()}")
            m = re.search(r"^listening on http://127\.0\.0\.1:(\d+)$", self.log(), re.M)
            if m:
                self.port = int(m.group(1))
            else:
                time.sleep(0.02)
        if self.port is None:
            self.proc.kill()
            raise RuntimeError("serve did not print its address: " + self.log())
        self.url = f"http://127.0.0.1:{self.port}"

    def log(self):
        # pread, not seek + read: the server shares this file's offset, so a
        # seek to 0 between two of its writes sent the second to the start
        # of the file, over the first ("\nistening on ...").
        fd = self.stderr.fileno()
        return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")

    def request(self, method, path, body=None, headers=None):
        """(status, headers, body bytes) without raising on HTTP errors."""
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


@pytest.fixture
def token_file(tmp_path):
    path = tmp_path / "token"
    path.write_text("\n  " + TOKEN + "  \n")
    return str(path)


@pytest.fixture
def server(token_file):
    s = Server("--api-token-file", token_file)
    yield s
    assert s.stop() == 0, s.log()
    assert TOKEN not in s.log()


@pytest.fixture
def org_copy(tmp_path):
    dest = tmp_path / "org"
    shutil.copytree(ORG, dest)
    return dest


def auth():
    return {"Authorization": "SSWS " + TOKEN, "Content-Type": "application/json"}


def contexts(n=None):
    with open(CONTEXTS) as f:
        lines = [json.loads(l) for l in f if l.strip()]
    return lines if n is None else lines[:n]


def eval_lines(context_list, snapshot=ORG):
    """What `policy-sim eval --output jsonl` prints for these contexts, parsed."""
    text = "".join(json.dumps(c) + "\n" for c in context_list)
    out = subprocess.run([POLICY_SIM, "eval", "--snapshot", snapshot, "--contexts", "-",
                          "--output", "jsonl"], input=text, capture_output=True, text=True,
                         check=True).stdout
    return [json.loads(l) for l in out.splitlines() if l.strip()]
