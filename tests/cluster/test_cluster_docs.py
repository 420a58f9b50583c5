"""docs/cluster.md: its example runs (start --daemon, curl, stop) and its unit facts hold."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cluster_helpers import ROOT, free_port

from eggfast.cluster.cpus import cgroup_cpu_limit, workers_count
from eggfast.cluster.ipc import MessageTooLarge, encode


def test_docs_example_runs(tmp_path: Path):
    text = (ROOT / "docs" / "cluster.md").read_text()
    script = re.search(r"<!-- cluster-example -->\n```sh\n(.*?)```", text, re.S).group(1)
    port = str(free_port())
    shutil.copytree(ROOT / "examples" / "hello", tmp_path / "hello")
    script = script.replace("7001", port).replace("examples/hello", str(tmp_path / "hello"))
    script = script.replace("eggfast ", f"{sys.executable} -m eggfast ")
    if shutil.which("curl") is None:
        script = script.replace("curl -s ", f"{sys.executable} -c 'import sys,urllib.request;"
                                            f"print(urllib.request.urlopen(sys.argv[1]).read().decode())' ")
    env = dict(os.environ, HOME=str(tmp_path), HELLO_KEYS="docs-key")
    env.pop("EGG_SERVER_ENV", None)
    done = subprocess.run(["bash", "-ec", script], capture_output=True, text=True, timeout=120, env=env)
    try:
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Hello, bob" in done.stdout
        assert "stopped" in done.stdout
    finally:
        pid_file = tmp_path / "hello" / "run" / "hello.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), 9)


def test_workers_count_respects_cgroup_quota(tmp_path: Path):
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert cgroup_cpu_limit(tmp_path) == 1.5
    assert workers_count(tmp_path) == min(len(os.sched_getaffinity(0)), 2)
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert cgroup_cpu_limit(tmp_path) is None
    assert workers_count(tmp_path) == len(os.sched_getaffinity(0))
    v1 = tmp_path / "v1"
    (v1 / "cpu").mkdir(parents=True)
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("50000")
    (v1 / "cpu" / "cpu.cfs_period_us").write_text("100000")
    assert workers_count(v1) == 1


def test_ipc_frame_limit_and_non_json():
    assert encode({"t": "hb"})[4:] == b'{"t":"hb"}'
    with pytest.raises(MessageTooLarge, match="limit is 100"):
        encode({"t": "msg", "action": "x", "data": "y" * 200}, 100)
    with pytest.raises(TypeError, match="cannot be sent between processes"):
        encode({"t": "msg", "action": "x", "data": object()})
