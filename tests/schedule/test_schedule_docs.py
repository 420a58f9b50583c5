"""docs/schedule.md: its example schedule file runs as written."""
from __future__ import annotations

import asyncio
import re
import socket
import time
from pathlib import Path

import eggfast

ROOT = Path(__file__).resolve().parents[2]


async def test_docs_example_runs(tmp_path):
    text = (ROOT / "docs" / "schedule.md").read_text()
    code = re.search(r"<!-- schedule-example -->\n```python\n(.*?)```", text, re.S).group(1)
    base = tmp_path / "app"
    (base / "app" / "schedule").mkdir(parents=True)
    (base / "app" / "schedule" / "cleanup.py").write_text(code)
    (base / "config").mkdir()
    (base / "config" / "config.default.py").write_text(
        f"config = {{'keys': 'k', 'logger': {{'dir': {str(tmp_path / 'logs')!r}, 'console': False}}}}\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = await eggfast.start(base_dir=base, env="unittest", port=port)
    try:
        deadline = time.monotonic() + 10
        while getattr(app, "cleanups", 0) < 3 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert app.cleanups >= 3
        await app.run_schedule("cleanup")
    finally:
        await app.close()
    log = (tmp_path / "logs" / "eggfast-schedule.log").read_text()
    assert "cleanup execute succeed, used" in log
    assert "cleanup tick" in (tmp_path / "logs" / "app-web.log").read_text()
