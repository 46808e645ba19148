"""Debian's nginx in front of `policy-sim serve`: auth_request to /v1/authorize,
auth_request_set of the X-Verdict-* headers; allowed → 200, challenged → 401,
denied or blocked → 403 — each as `policy-sim eval` decides the context.
"""
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import Server, contexts, eval_lines

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not os.path.exists(NGINX), reason="nginx not installed")

CONF = """
daemon off;
master_process off;
worker_processes 1;
error_log {tmp}/error.log warn;
pid {tmp}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location = /_verdict {{
            internal;
            proxy_pass http://127.0.0.1:{serve}/v1/authorize;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Verdict-Trusted-Hop none;
            proxy_set_header X-Verdict-User $http_x_user;
            # The test sends the whole context; a real site would not trust it.
            proxy_set_header X-Verdict-Context $http_x_test_context;
        }}
        location / {{
            auth_request /_verdict;
            auth_request_set $verdict_outcome $upstream_http_x_verdict_outcome;
            auth_request_set $verdict_rule $upstream_http_x_verdict_rule;
            add_header X-Verdict-Outcome $verdict_outcome always;
            add_header X-Verdict-Rule $verdict_rule always;
            root {tmp}/www;
        }}
    }}
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def nginx(tmp_path):
    serve = Server()
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "index.html").write_text("the app\n")
    port = free_port()
    (tmp_path / "nginx.conf").write_text(CONF.format(tmp=tmp_path, port=port, serve=serve.port))
    proc = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert proc.poll() is None, proc.stderr.read()
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    proc.send_signal(signal.SIGQUIT)
    proc.wait(timeout=20)
    assert serve.stop() == 0


def get(url, headers):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=20) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def test_nginx_auth_request(nginx):
    seen = set()
    for c in contexts():
        if c.get("policyTypes") != ["OKTA_SIGN_ON"] or "app" in c or "ip" not in c:
            continue
        want = eval_lines([c])[0]
        outcome = "DENY" if want["blocked"] else (want.get("outcome") or "NONE")
        encoded = base64.urlsafe_b64encode(json.dumps(c).encode()).decode().rstrip("=")
        status, headers, body = get(nginx + "/index.html", {"X-Test-Context": encoded})
        assert status == {"ALLOW": 200, "CHALLENGE": 401}.get(outcome, 403), c["id"]
        assert headers["X-Verdict-Outcome"] == outcome
        if status == 200:
            assert body == b"the app\n"
        if not want["blocked"] and want["rule"]:
            assert headers["X-Verdict-Rule"] == want["rule"]["id"]
        seen.add(outcome)
    assert {"ALLOW", "CHALLENGE", "DENY"} <= seen
