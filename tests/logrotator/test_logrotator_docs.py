"""docs/logrotator.md: its example config works as described."""
from __future__ import annotations

import re
from pathlib import Path

import eggfast

ROOT = Path(__file__).resolve().parents[2]


async def test_docs_example_config(tmp_path):
    text = (ROOT / "docs" / "logrotator.md").read_text()
    code = re.search(r"<!-- logrotator-example -->\n```python\n(.*?)```", text, re.S).group(1)
    base = tmp_path / "app"
    (base / "config").mkdir(parents=True)
    code = code.replace('"keys": "change-me",', f'"keys": "change-me", "logger": {{"dir": {str(tmp_path / "logs")!r}}},')
    (base / "config" / "config.default.py").write_text(code)
    app = await eggfast.start(base_dir=base, env="unittest")
    try:
        names = {i.name: i for i in app.schedule.items.values()}
        assert not names["rotate_by_hour"].disable and not names["rotate_by_size"].disable
        assert names["rotate_by_size"].interval == 60 and names["rotate_by_file"].cron == "0 0 0 * * *"
        app.get_logger("audit_logger").info("audited")
        app.logger.info("web")
        for handler in app.loggers.handlers.values():
            handler.flush()
        await app.run_schedule("rotate_by_hour")
        await app.run_schedule("rotate_by_file")
    finally:
        await app.close()
    logs = tmp_path / "logs"
    assert any(re.fullmatch(r"audit\.log\.\d{4}-\d{2}-\d{2}-\d{2}", p.name) for p in logs.iterdir())
    assert any(re.fullmatch(r"app-web\.log\.\d{4}-\d{2}-\d{2}", p.name) for p in logs.iterdir())
    assert not any(p.name.startswith("audit.log.") and p.name.count("-") == 2 for p in logs.iterdir())
