"""`eggfast init`: every project type runs its own tests green; the app is served by `eggfast dev`."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from eggfast.__main__ import main
from eggfast.cli.init import TYPES, scaffold


def _env() -> dict:
    env = dict(os.environ)
    env.pop("EGG_SERVER_ENV", None)
    env.pop("PYTEST_ADDOPTS", None)
    return env


@pytest.mark.parametrize("kind", TYPES)
def test_generated_project_tests_pass(kind, tmp_path, capsys):
    target = tmp_path / f"my_{kind}"
    assert main(["init", str(target), "--type", kind]) == 0
    out = capsys.readouterr().out
    assert f"created a {kind} project" in out and "python -m pytest" in out
    assert (target / "README.md").read_text().count("python -m pytest") == 1
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=target, env=_env(),
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"\b[23] passed\b", proc.stdout), proc.stdout


def test_refuses_a_non_empty_dir(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"eggfast init: {tmp_path} is not empty: choose a new or empty folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]
    with pytest.raises(ValueError, match="unknown --type"):
        scaffold(tmp_path / "new", "website")


def test_an_empty_dir_is_accepted(tmp_path):
    scaffold(tmp_path, "simple")
    assert (tmp_path / "app" / "controller" / "home.py").exists()
    assert (tmp_path / "eggfast.toml").read_text().startswith('[app]\nname = "')


def test_eggfast_dev_serves_the_new_app(tmp_path):
    target = tmp_path / "served"
    scaffold(target, "simple")
    proc = subprocess.Popen([sys.executable, "-m", "eggfast", "dev", "--port", "0"], cwd=target, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline and proc.stdout is not None:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if found:
                port = int(found.group(1))
                break
        assert port, "".join(lines)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello/dev", timeout=10) as res:
            assert res.read() == b'{"message":"Hi, dev!"}'  # config.local.py: env local
            assert re.match(r"^\d+\.\d{3}ms$", res.headers["x-response-time"])
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    assert proc.returncode == 0
