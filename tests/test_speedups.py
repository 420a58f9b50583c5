"""The twin switch: env parsing, the active map, and proof the compiled twins loaded."""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eggfast import _speedups

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value,expected", [
    ("1", True), ("true", True), ("YES", True), (" on ", True),
    ("0", False), ("", False), ("false", False), ("no", False), ("2", False),
])
def test_env_flag(value, expected):
    assert _speedups.env_flag("X", {"X": value}) is expected


def test_setup_py_reads_the_switch_the_same_way():
    sys.path.insert(0, str(ROOT))
    try:
        source = (ROOT / "setup.py").read_text()
        namespace: dict = {"__file__": str(ROOT / "setup.py")}
        exec(compile(source.split("\nNO_EXTENSIONS")[0], "setup.py", "exec"), namespace)
    finally:
        sys.path.remove(str(ROOT))
    for value in ["1", "true", "YES", " on ", "0", "", "false", "2"]:
        os.environ["EGGFAST_PROBE"] = value
        try:
            assert namespace["env_flag"]("EGGFAST_PROBE") is _speedups.env_flag("EGGFAST_PROBE")
        finally:
            del os.environ["EGGFAST_PROBE"]


def test_implementation_map_matches_the_switch():
    import eggfast

    impl = dict(eggfast.implementation())
    assert set(impl) == {"compose", "matcher", "protocol", "writer", "core"}
    expected = "python" if _speedups.NO_EXTENSIONS else "cython"
    if _speedups.NO_EXTENSIONS or _speedups.REQUIRE_EXTENSIONS:
        assert set(impl.values()) == {expected}
        assert eggfast.EXTENSIONS is (expected == "cython")


@pytest.mark.skipif(not _speedups.REQUIRE_EXTENSIONS, reason="only meaningful when compiled twins are required")
@pytest.mark.parametrize("hot_path", _speedups.HOT_PATHS)
def test_compiled_twin_really_loaded(hot_path):
    selector = importlib.import_module(f"eggfast._{hot_path}")
    names = CORE_MODULES if hot_path == "core" else (hot_path,)
    for name in names:
        compiled = importlib.import_module(f"eggfast._{name}_c")
        assert compiled.__file__.endswith((".so", ".pyd"))
    assert _speedups.ACTIVE[hot_path] == "cython"
    assert getattr(selector, f"{hot_path}_c") is not None


CORE_MODULES = ("context", "request", "response", "respond")
_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: set on classes made by a class statement


@pytest.mark.skipif(not _speedups.REQUIRE_EXTENSIONS, reason="only meaningful when compiled twins are required")
def test_compiled_core_is_what_the_public_modules_export():
    """eggfast.context & co. hand out the compiled twin's extension types, and apps build on them."""
    import eggfast
    import eggfast.context
    import eggfast.request
    import eggfast.respond
    import eggfast.response
    from eggfast import _context_c, _request_c, _respond_c, _response_c

    assert eggfast.context.Context is _context_c.Context
    assert eggfast.request.Request is _request_c.Request
    assert eggfast.response.Response is _response_c.Response
    assert eggfast.respond.respond_now is _respond_c.respond_now
    for cls in (_context_c.Context, _request_c.Request, _response_c.Response):
        assert not cls.__flags__ & _HEAPTYPE, f"{cls} is not an extension type"
    app = eggfast.Application()
    assert issubclass(app.context_class, _context_c.Context)


def test_python_m_eggfast_info_prints_the_map():
    out = subprocess.run([sys.executable, "-m", "eggfast", "info"], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    for hot_path in _speedups.HOT_PATHS:
        assert hot_path in out
    assert "EXTENSIONS" in out


def test_no_extensions_env_forces_pure_in_a_fresh_process():
    env = dict(os.environ, EGGFAST_NO_EXTENSIONS="1")
    env.pop("EGGFAST_REQUIRE_EXTENSIONS", None)
    code = "import eggfast; print(sorted(set(eggfast.implementation().values())), eggfast.EXTENSIONS)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT).stdout
    assert out.strip() == "['python'] False"


@pytest.mark.skipif(not _speedups.REQUIRE_EXTENSIONS, reason="only meaningful when compiled twins are required")
def test_compiled_protocol_uses_extension_types():
    """The single-source protocol twin really got its typed layout from eggfast/_protocol_c.pxd."""
    from eggfast import _protocol_c

    for cls in (_protocol_c.HttpProtocol, _protocol_c.ResponseWriter, _protocol_c.BodyReader, _protocol_c.RawRequest):
        obj = cls.__new__(cls)
        with pytest.raises(AttributeError):
            obj.not_declared = 1


def test_message_raw_request_is_the_active_protocols():
    """``eggfast.message.RawRequest`` names the class the active protocol twin builds."""
    from eggfast import _protocol, message

    assert message.RawRequest is _protocol.protocol.RawRequest
    raw = message.RawRequest("GET", "/", "1.1", {}, None)
    assert (raw.peername, raw.sockname, raw.tls, raw.keep_alive) == (None, None, False, True)
    raw.method = "PUT"  # method-override middleware rewrites it
    assert raw.method == "PUT"
