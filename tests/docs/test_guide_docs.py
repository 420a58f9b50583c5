"""Every block of docs/guide.md, docs/testing.md and docs/scaffold.md runs, in order, in a temp folder.

``shell`` blocks: one command a line (`eggfast` and `python` are this
interpreter's; `cd` moves; a line ending in ``# exits 1`` must fail;
`eggfast dev` is started, asked for ``/`` and stopped by PID).  ``python``
blocks starting with ``# file: PATH`` are written into the current folder.
"""
from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import eggfast

ROOT = Path(__file__).resolve().parents[2]
DOCS = ["guide.md", "testing.md", "scaffold.md"]
BLOCK = re.compile(r"```(shell|python)\n(.*?)```", re.S)


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("EGG_SERVER_ENV", "PYTEST_ADDOPTS")}
    # an editable install is invisible to mypy: point it at this checkout
    env["MYPYPATH"] = str(Path(eggfast.__file__).resolve().parent.parent)
    return env


def _dev(args: list[str], cwd: Path) -> None:
    args = [a for a in args]
    if "--port" in args:
        args[args.index("--port") + 1] = "0"
    proc = subprocess.Popen([sys.executable, "-m", "eggfast", *args], cwd=cwd, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines, port = [], None
        deadline = time.monotonic() + 60
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
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as res:
            assert res.status == 200
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


def _run_line(line: str, cwd: Path) -> Path:
    fails = line.rstrip().endswith("# exits 1")
    command = line.split("#", 1)[0].strip()
    args = shlex.split(command)
    if args[0] == "cd":
        return (cwd / args[1]).resolve()
    if args[0] == "eggfast" and args[1] == "dev":
        _dev(args[1:], cwd)
        return cwd
    if args[0] == "eggfast":
        argv = [sys.executable, "-m", "eggfast", *args[1:]]
    elif args[0] == "python":
        argv = [sys.executable, *args[1:]]
    else:
        raise AssertionError(f"the docs run only eggfast/python/cd lines, not {line!r}")
    proc = subprocess.run(argv, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=300)
    if fails:
        assert proc.returncode == 1, f"{line!r} should fail:\n{proc.stdout}{proc.stderr}"
    else:
        assert proc.returncode == 0, f"{line!r} failed:\n{proc.stdout}{proc.stderr}"
    return cwd


@pytest.mark.parametrize("doc", DOCS)
def test_every_block_runs(doc, tmp_path):
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert blocks
    cwd = tmp_path
    for kind, body in blocks:
        if kind == "shell":
            for line in body.splitlines():
                if line.strip():
                    cwd = _run_line(line, cwd)
        else:
            first, _, code = body.partition("\n")
            assert first.startswith("# file: "), f"{doc}: a python block must start with '# file: PATH'"
            path = cwd / first[len("# file: "):].strip()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(code, encoding="utf-8")


def test_readme_points_at_the_guides():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in DOCS:
        assert f"docs/{doc}" in readme
