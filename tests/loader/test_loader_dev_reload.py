"""`eggfast dev` reload over real HTTP: an edit is served by a new worker, a syntax error keeps the old
one serving, a request in flight finishes on the old code, changes under public/ do not reload."""
from __future__ import annotations

import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

ROUTER = '''import asyncio


def setup(app):
    async def home(ctx):
        ctx.body = "VERSION-1"

    async def slow(ctx):
        await asyncio.sleep(1.5)
        ctx.body = "slow VERSION-1"

    app.router.get("/", home)
    app.router.get("/slow", slow)
'''


def get(port: int, path: str, timeout: float = 10) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().read().decode()
    finally:
        conn.close()


class Dev:
    """One `eggfast dev` process whose output lines are collected by a thread."""

    def __init__(self, base: Path, tmp: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k != "EGG_SERVER_ENV"}
        env["EGG_APP_CONFIG"] = json.dumps({"rundir": str(tmp / "run"), "logger": {"dir": str(tmp / "logs")}})
        self.proc = subprocess.Popen([sys.executable, "-m", "eggfast", "dev", "--base-dir", str(base),
                                      "--port", str(self.port)], cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: "queue.Queue[str]" = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} in:\n" + "".join(self.seen))

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise


def eventually(port: int, path: str, expected: str, timeout: float = 10) -> None:
    """The old worker may take a moment to stop accepting after a reload is printed."""
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        body = get(port, path)
        if body == expected:
            return
        time.sleep(0.05)
    raise AssertionError(f"{path}: {body!r}, expected {expected!r}")


def make_app(tmp: Path) -> Path:
    base = tmp / "devapp"
    (base / "app" / "public").mkdir(parents=True)
    (base / "config").mkdir()
    (base / "config" / "config.default.py").write_text('config = {"keys": "k"}\n')
    (base / "app" / "router.py").write_text(ROUTER)
    (base / "app" / "public" / "a.txt").write_text("a")
    return base


def test_reload_on_edit_keeps_old_worker_on_syntax_error_and_finishes_in_flight(tmp_path):
    base = make_app(tmp_path)
    router = base / "app" / "router.py"
    dev = Dev(base, tmp_path)
    try:
        dev.wait_for("listening on http://")
        assert get(dev.port, "/") == "VERSION-1"

        # a request in flight when the code changes finishes on the old worker
        result: dict = {}
        def slow_request() -> None:
            try:
                result["body"] = get(dev.port, "/slow")
            except Exception as exc:  # reported by the assertion below, with the dev output
                result["error"] = repr(exc)

        slow = threading.Thread(target=slow_request)
        slow.start()
        time.sleep(0.3)
        router.write_text(ROUTER.replace("VERSION-1", "VERSION-2"))
        line = dev.wait_for("reloaded in")
        assert " ms: worker " in line
        slow.join(15)
        assert result.get("body") == "slow VERSION-1", (result, dev.seen)
        eventually(dev.port, "/", "VERSION-2")

        # a syntax error: the error is printed, the old worker keeps serving
        router.write_text(ROUTER.replace("VERSION-1", "VERSION-3") + "\ndef broken(:\n")
        dev.wait_for("reload failed")
        assert "SyntaxError" in "".join(dev.seen) or "invalid syntax" in "".join(dev.seen)
        assert get(dev.port, "/") == "VERSION-2"

        # fixed: served again
        router.write_text(ROUTER.replace("VERSION-1", "VERSION-4"))
        dev.wait_for("reloaded in")
        eventually(dev.port, "/", "VERSION-4")

        # public/ is ignored: no reload
        (base / "app" / "public" / "a.txt").write_text("b")
        time.sleep(1.0)
        (base / "config" / "config.default.py").write_text('config = {"keys": "k2"}\n')
        line = dev.wait_for("changed:")
        assert "config.default.py" in line and "public" not in line
        dev.wait_for("reloaded in")
    finally:
        code = dev.stop()
    assert code == 0, "".join(dev.seen)


def test_watch_filter_and_development_config(tmp_path):
    from types import SimpleNamespace

    import pytest

    from eggfast.cli.reload import watch_filter
    from eggfast.errors import ConfigError
    from eggfast.plugins.development.options import watch_options

    base = tmp_path / "app"
    accept = watch_filter(base, [str(base / "lib" / "plugin" / "p")], ["fixtures"])
    ok = ["app/controller/home.py", "config/config.default.py", "lib/plugin/p/app.py", "app/extend/context.py"]
    no = ["app/public/x.css", "app/view/a.html", "logs/app/x.log", "run/application_config.json",
          "app/__pycache__/x.pyc", "app/.hidden.py", "app/fixtures/a.py", "README.md", "lib/other.py"]
    for rel in ok:
        assert accept(None, str(base / rel)), rel
    for rel in no:
        assert not accept(None, str(base / rel)), rel
    assert not accept(None, str(tmp_path / "elsewhere" / "app" / "x.py"))

    app = SimpleNamespace(base_dir=base, config={"development": {"watch_dirs": ["lib"], "ignore_dirs": ["tmp"]}})
    assert watch_options(app) == {"watch_dirs": [str(base / "lib")], "ignore_dirs": ["tmp"]}
    app.config = {"development": {"watch_dirs": ["../outside"]}}
    with pytest.raises(ConfigError, match="config.development.watch_dirs"):
        watch_options(app)
