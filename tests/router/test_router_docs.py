"""The runnable example of docs/router.md runs and prints what it says."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_docs_example_runs():
    text = (ROOT / "docs" / "router.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "HTTP/1.1 200 OK" in out.stdout and "X-Audited: 1" in out.stdout
    assert '{"id":"42","route":"user"}' in out.stdout
    assert out.stdout.rstrip().endswith("/user/3?x=1&x=2")
