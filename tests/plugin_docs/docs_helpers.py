"""Run a docs page's examples: each ``## section``'s fenced blocks that start with ``# <path>``
are written into an app folder (that first line dropped) and the app is built from them."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from eggfast import Application
from eggfast.testing import RecordingStream, make_raw

DOCS = Path(__file__).resolve().parents[2] / "docs"


def files_of(page: str, section: str) -> dict[str, str]:
    """``path -> text`` of the blocks in ``## <section>`` of ``docs/<page>`` that start with ``# <path>``."""
    text = (DOCS / page).read_text()
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no section {section!r} in {page}"
    blocks = re.findall(r"```\w+\n# (\S+)\n(.*?)```", match.group(1), re.S)
    assert blocks, f"no file blocks in section {section!r}"
    return {path: source for path, source in blocks}


async def serve(tmp_path: Path, context_twin: Any, files: dict[str, str], env: str = "unittest",
                **config: Any) -> Application:
    """The app made of ``files`` under ``tmp_path/app``, ready."""
    base = tmp_path / "app"
    for path, source in files.items():
        target = base / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source)
    options = {"rundir": str(tmp_path / "run"), "logger": {"dir": str(tmp_path / "logs"), "console": False},
               **config}
    app = Application(base_dir=base, env=env, config=options, context_twin=context_twin)
    await app.ready()
    return app


async def call(app: Any, url: str, headers: dict | None = None, method: str = "GET",
               body: bytes = b"") -> RecordingStream:
    """One in-process request."""
    hdrs = dict(headers or {})
    if body:
        hdrs["content-length"] = str(len(body))
    stream = RecordingStream()
    await app.handler(make_raw(method, url, hdrs, body), stream)
    return stream
