"""The runnable examples of docs/egg-layer.md still run (ports replaced by 0, console off)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "egg-layer.md").read_text(encoding="utf-8")
RUNNABLE = [b for b in re.findall(r"```python\n(.*?)```", DOC, re.S) if "asyncio.run(main())" in b]


def test_doc_has_runnable_examples():
    assert len(RUNNABLE) >= 2


@pytest.mark.parametrize("index", range(len(RUNNABLE)))
def test_doc_example_runs(index, tmp_path):
    code = RUNNABLE[index].replace("port=7001", "port=0")
    env_config = f'config={{"logger": {{"console": False, "dir": {str(tmp_path)!r}}}, "rundir": {str(tmp_path)!r}}}'
    code = code.replace('base_dir="examples/hello"', f'base_dir="examples/hello", {env_config}')
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
