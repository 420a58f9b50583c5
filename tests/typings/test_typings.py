"""`eggfast typings`: mypy knows the app's services, controllers, config keys and extend members."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import eggfast
from eggfast.__main__ import main
from eggfast.cli.typings import PACKAGE, generate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "apps"
EGGFAST_ROOT = Path(eggfast.__file__).resolve().parent.parent

pytest.importorskip("mypy", reason="mypy is in the test extras: pip install -e '.[test]'")


def _mypy(cwd: Path, *targets: str) -> subprocess.CompletedProcess:
    ini = cwd / "mypy.ini"
    ini.write_text(f"[mypy]\nmypy_path = typings:{EGGFAST_ROOT}\nexplicit_package_bases = True\n"
                   f"cache_dir = {cwd / '.mypy_cache'}\n[mypy-eggfast.*]\nfollow_imports = silent\n")
    return subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ini), *targets], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def typed_app(tmp_path) -> Path:
    base = tmp_path / "typed-app"
    shutil.copytree(FIXTURES / "typed-app", base)
    assert main(["typings", "--base-dir", str(base)]) == 0
    assert (base / "typings" / PACKAGE / "__init__.pyi").exists()
    assert not (base / "logs").exists() and not (base / "run").exists()
    return base


def test_mypy_accepts_the_app_and_rejects_each_misspelling(typed_app):
    ok = _mypy(typed_app, "app")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = _mypy(typed_app, "checks")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    marked = {i for i, line in enumerate((typed_app / "checks" / "misspelt.py").read_text().splitlines(), 1)
              if "# E:" in line}
    reported = {int(m) for m in re.findall(r"checks/misspelt\.py:(\d+): error", bad.stdout)}
    assert reported == marked, bad.stdout
    assert '"AppServices" has no attribute "usr"; maybe "user"?' in bad.stdout


def test_without_typings_everything_is_any(tmp_path):
    base = tmp_path / "typed-app"
    shutil.copytree(FIXTURES / "typed-app", base)
    res = _mypy(base, "app", "checks")
    # as before `eggfast typings`, Controller/Service members are Any: the only errors are the
    # files that import the stub module by name (api.py, checks/misspelt.py)
    errors = [line for line in res.stdout.splitlines() if ": error:" in line]
    assert errors and all('module named "eggfast_app_typings"' in line for line in errors), res.stdout
    assert {line.split(":")[0] for line in errors} == {"app/controller/api.py", "checks/misspelt.py"}


def test_stub_describes_framework_services_and_config_types(tmp_path):
    examples = EGGFAST_ROOT / "examples" / "framework"
    target = generate(examples / "demo", out=tmp_path)
    text = target.read_text()
    # services of the framework units (outside the app) are generated classes with their methods
    assert re.search(r"class _SServiceClock_ClockService\(eggfast\.Service\):\n    def now\(self", text), text
    assert re.search(r"    audit: _SServiceAudit_AuditService", text)
    assert "    level: str" in text and "    framework_name: str" in text
    assert "    def framework(self) -> Any: ..." in text  # ctx.framework, an extend property
    assert generate(examples / "demo", out=tmp_path).read_text() == text  # stable output


def test_generate_is_idempotent_and_reports_config_errors(tmp_path, capsys):
    assert main(["typings", "--base-dir", str(FIXTURES / "config-not-dict"), "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("eggfast typings: ")


def test_eggfast_dev_regenerates_typings_on_change(typed_app):
    import os
    import signal
    import time

    stub = typed_app / "typings" / PACKAGE / "__init__.pyi"
    env = {k: v for k, v in os.environ.items() if k != "EGG_SERVER_ENV"}
    proc = subprocess.Popen([sys.executable, "-m", "eggfast", "dev", "--port", "0", "--base-dir", str(typed_app)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.stdout is not None:
            line = proc.stdout.readline()
            lines.append(line)
            if not line or "typings updated" in line:
                break
        assert "typings updated" in lines[-1], "".join(lines)
        assert "orders" not in stub.read_text()
        (typed_app / "app" / "service" / "orders.py").write_text(
            "from eggfast import Service\n\n\nclass OrdersService(Service):\n    def count(self) -> int:\n"
            "        return 0\n")
        while time.monotonic() < deadline and proc.stdout is not None:
            line = proc.stdout.readline()
            lines.append(line)
            if not line or "typings updated" in line:
                break
        assert "    orders: _SServiceOrders_OrdersService" in stub.read_text(), "".join(lines)
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
