"""docs/cluster-client.md: its example runs (redis-server, start --daemon, curl, stop)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cluster_helpers import ROOT, free_port


def test_docs_example_runs(tmp_path: Path):
    if shutil.which("redis-server") is None:
        if os.environ.get("EGGFAST_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is required")
        pytest.skip("redis-server is not installed")
    text = (ROOT / "docs" / "cluster-client.md").read_text()
    script = re.search(r"<!-- cluster-client-example -->\n```sh\n(.*?)```", text, re.S).group(1)
    port, rport = str(free_port()), str(free_port())
    shutil.copytree(ROOT / "examples" / "registry", tmp_path / "registry")
    script = script.replace("7001", port).replace("6390", rport)
    script = script.replace("examples/registry", str(tmp_path / "registry"))
    script = script.replace("eggfast ", f"{sys.executable} -m eggfast ")
    if shutil.which("curl") is None:
        script = script.replace("curl -s ", f"{sys.executable} -c 'import sys,urllib.request;"
                                            f"print(urllib.request.urlopen(sys.argv[1]).read().decode())' ")
    env = dict(os.environ, HOME=str(tmp_path))
    env.pop("EGG_SERVER_ENV", None)
    done = subprocess.run(["bash", "-ec", script], capture_output=True, text=True, timeout=120, env=env,
                          cwd=str(tmp_path))
    try:
        assert done.returncode == 0, done.stdout + done.stderr
        assert '{"published":"10.0.0.1:80"}' in done.stdout
        assert '{"all":["10.0.0.1:80"]}' in done.stdout
    finally:
        pid_file = tmp_path / "registry" / "run" / "registry.pid"
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text()), 9)
            except OSError:
                pass
