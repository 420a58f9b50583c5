"""`eggfast dev` end to end: a real port on 127.0.0.1, every route of examples/hello, SIGTERM → exit 0."""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from loader_helpers import fixture_dir

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(proc: subprocess.Popen, timeout: float = 20) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "listening on http://" in line:
            return lines
    raise AssertionError("eggfast dev did not start:\n" + "".join(lines))


def call(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


def test_dev_serves_examples_hello_and_closes_on_sigterm():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "eggfast", "dev", "--base-dir", "examples/hello",
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        lines = wait_listening(proc)
        text = "".join(lines)
        assert "env local" in text and "powered_by" in text and "ready in" in text
        assert "hot paths: compose=" in text and "writer=" in text  # which twins serve (SPEC §16)
        status, headers, body = call(port, "GET", "/")
        assert (status, body) == (200, b"Hello, eggfast!\n")
        # the security plugin's CSRF secret, echoed as the token like a browser script does
        secret = re.search(r"csrfToken=([^;]+)", headers["set-cookie"]).group(1)
        token = {"Cookie": f"csrfToken={secret}", "x-csrf-token": secret}
        assert headers["x-powered-by"] == "eggfast" and "x-response-time" in headers and "x-readtime" in headers
        status, headers, body = call(port, "GET", "/json")
        assert headers["content-type"] == "application/json; charset=utf-8"
        assert body == b'{"message":"Hello, JSON","framework":"eggfast"}'
        assert call(port, "POST", "/echo", b"ping", {"Content-Type": "text/plain"})[0] == 403
        assert call(port, "POST", "/echo", b"ping", {"Content-Type": "text/plain", **token})[2] == b"ping"
        status, _, body = call(port, "POST", "/json-echo", b'{"a": [1, 2]}',
                               {"Content-Type": "application/json", **token})
        assert (status, json.loads(body)) == (200, {"received": {"a": [1, 2]}})
        assert json.loads(call(port, "GET", "/user/42?tab=1")[2]) == {"id": "42", "query": {"tab": "1"}}
        greet = json.loads(call(port, "GET", "/greet/bob")[2])
        assert greet == {"greeting": "Hello, bob!", "url": f"http://127.0.0.1:{port}/greet/bob", "shout": "BOB!"}
        assert call(port, "GET", "/stream")[2] == b"0\n1\n2\n3\n4\n"
        assert call(port, "GET", "/missing", headers={"Accept": "application/json"})[0] == 404
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    assert "running before_close" in out and "[eggfast dev] closed" in out


def test_dev_start_error_is_one_line_naming_the_file():
    proc = subprocess.run([sys.executable, "-m", "eggfast", "dev", "--base-dir", str(fixture_dir("mw-unknown")),
                           "--port", "0"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 1, proc.stderr
    assert errors[0].startswith("eggfast dev: ")
    assert str(fixture_dir("mw-unknown") / "config" / "config.default.py") in errors[0]
    assert "middleware 'ghost' not found" in errors[0]


def test_dev_env_precedence(monkeypatch, tmp_path):
    # SPEC §3: EGG_SERVER_ENV, else the file config/env, else local (the dev default);
    # --env wins over all.  An explicit config/env beats dev's default local.
    from eggfast.cli.dev import dev_env

    monkeypatch.delenv("EGG_SERVER_ENV", raising=False)
    with_file = fixture_dir("dev-envfile")
    assert dev_env(with_file, None) == "staging"
    assert dev_env(tmp_path, None) == "local"
    monkeypatch.setenv("EGG_SERVER_ENV", "qa")
    assert dev_env(with_file, None) == "qa" and dev_env(tmp_path, None) == "qa"
    assert dev_env(with_file, "prod") == "prod"


def test_dev_reads_config_env_file():
    env = {k: v for k, v in __import__("os").environ.items() if k != "EGG_SERVER_ENV"}
    proc = subprocess.Popen([sys.executable, "-m", "eggfast", "dev", "--base-dir", str(fixture_dir("dev-envfile")),
                             "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=env)
    try:
        lines = wait_listening(proc)
        assert "(env staging," in "".join(lines)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out


@pytest.fixture(scope="module")
def dev_output(tmp_path_factory):
    """One `eggfast dev` run of examples/hello (run/ and logs/ in a tmp dir): ``(stdout, rundir)``."""
    tmp = tmp_path_factory.mktemp("dev")
    rundir = tmp / "run"
    env = {k: v for k, v in os.environ.items() if k != "EGG_SERVER_ENV"}
    env["EGG_APP_CONFIG"] = json.dumps({"rundir": str(rundir), "logger": {"dir": str(tmp / "logs")}})
    proc = subprocess.Popen([sys.executable, "-m", "eggfast", "dev", "--base-dir", "examples/hello", "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: list[str] = []
    try:
        lines = wait_listening(proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=20)
    out = "".join(lines) + rest
    assert proc.returncode == 0, out
    return out, rundir


def test_dev_says_it_reloads(dev_output):
    out, _ = dev_output
    lines = out.splitlines()
    notice = [line for line in lines if "reload" in line]
    assert notice == ["[eggfast dev] reload on change: watching app/, config/ and local plugins (watchfiles); "
                      "ignoring logs/, run/, public/, view/"], out
    assert lines.index(notice[0]) < 3  # said at start, before loading


def test_dev_start_times_are_the_dumped_ones(dev_output):
    out, rundir = dev_output
    found = re.search(r"ready in \d+ ms \(agent (\d+) ms, app (\d+) ms\)", out)
    assert found, out
    for printed, name in ((found.group(1), "agent_timing.json"), (found.group(2), "application_timing.json")):
        dump = json.loads((rundir / name).read_text())
        assert printed == f"{dump['total_ms']:.0f}", (name, printed, dump["total_ms"])
        assert dump["total_ms"] == max(item["end"] for item in dump["items"])
