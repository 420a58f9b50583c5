"""The twin registry (eggfast/twins.py): the switch, the active map, proof the
compiled twins loaded, and three guard rails the registry drives:

* a compiled twin older than any of its sources fails (a plain ``pytest``
  after an edit would otherwise test the old build);
* a single-source compiled class that assigns an attribute its ``.pxd`` does
  not declare fails here, not at run time on the compiled twin only;
* each pair exposes the same public names, signatures and coroutine-ness.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from eggfast import twins

ROOT = Path(__file__).resolve().parents[2]
ROWS = [(pair, stem) for pair in twins.TWINS for stem in pair.stems]
ROW_IDS = [pair.compiled_module(stem) for pair, stem in ROWS]
requires_compiled = pytest.mark.skipif(not twins.REQUIRE_EXTENSIONS,
                                       reason="checks the compiled twins, which this run does not require")


@pytest.mark.parametrize("value,expected", [
    ("1", True), ("true", True), ("YES", True), (" on ", True),
    ("0", False), ("", False), ("false", False), ("no", False), ("2", False),
])
def test_env_flag(value, expected):
    assert twins.env_flag("X", {"X": value}) is expected


def test_setup_py_builds_exactly_the_registry_rows():
    """setup.py reads the table and the switch from eggfast/twins.py, not from a copy."""
    source = (ROOT / "setup.py").read_text()
    assert 'run_path(str(HERE / "eggfast" / "twins.py"))' in source
    loaded = runpy.run_path(str(ROOT / "eggfast" / "twins.py"))
    assert [(t.hot_path, t.package, t.stems, t.source) for t in loaded["TWINS"]] == \
           [(t.hot_path, t.package, t.stems, t.source) for t in twins.TWINS]
    for pair, stem in ROWS:
        for path in pair.compiled_sources(ROOT, stem):
            assert path.is_file(), f"{pair.hot_path}: source {path} named by eggfast/twins.py is missing"
        assert (pair.folder(ROOT) / f"_{stem}_py.py").is_file()


def test_every_compiled_source_in_the_tree_is_a_registry_row():
    """A .pyx or twin .pxd that no row names would be silently left unbuilt."""
    named = {p.resolve() for pair, stem in ROWS for p in pair.compiled_sources(ROOT, stem)}
    found = {p.resolve() for p in (ROOT / "eggfast").rglob("*") if p.suffix in (".pyx", ".pxd")}
    assert found <= named, f"not in eggfast/twins.py: {sorted(map(str, found - named))}"


def test_implementation_map_matches_the_switch():
    import eggfast

    impl = dict(eggfast.implementation())
    assert list(impl) == list(twins.HOT_PATHS) == ["compose", "matcher", "protocol", "writer", "context"]
    expected = "python" if twins.NO_EXTENSIONS else "cython"
    if twins.NO_EXTENSIONS or twins.REQUIRE_EXTENSIONS:
        assert set(impl.values()) == {expected}
        assert eggfast.EXTENSIONS is (expected == "cython")


@requires_compiled
@pytest.mark.parametrize("hot_path", twins.HOT_PATHS)
def test_compiled_twin_really_loaded(hot_path):
    selected = twins.select(hot_path)
    assert selected.compiled is not None and selected.active is selected.compiled
    for stem in selected.pair.stems:
        module = getattr(selected.compiled, stem)
        assert module.__name__ == selected.pair.compiled_module(stem)
        assert module.__file__.endswith((".so", ".pyd")), module.__file__
    assert twins.ACTIVE[hot_path] == "cython"


_HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: set on classes made by a class statement


@requires_compiled
def test_compiled_context_is_what_the_public_modules_export():
    """eggfast.koa.context & co. hand out the compiled twin's extension types, and apps build on them."""
    import eggfast
    from eggfast.koa import _context_c, _request_c, _respond_c, _response_c, context, request, respond, response

    assert context.Context is _context_c.Context
    assert request.Request is _request_c.Request
    assert response.Response is _response_c.Response
    assert respond.respond_now is _respond_c.respond_now
    for cls in (_context_c.Context, _request_c.Request, _response_c.Response):
        assert not cls.__flags__ & _HEAPTYPE, f"{cls} is not an extension type"
    app = eggfast.Application()
    assert issubclass(app.context_class, _context_c.Context)


def test_python_m_eggfast_info_prints_the_map():
    out = subprocess.run([sys.executable, "-m", "eggfast", "info"], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout
    for pair in twins.TWINS:
        assert re.search(rf"^\s+{pair.hot_path}\s+(cython|python)\s+{re.escape(pair.package)}", out, re.M), out
    assert "EXTENSIONS" in out


def test_no_extensions_env_forces_pure_in_a_fresh_process():
    env = dict(os.environ, EGGFAST_NO_EXTENSIONS="1")
    env.pop("EGGFAST_REQUIRE_EXTENSIONS", None)
    code = "import eggfast; print(sorted(set(eggfast.implementation().values())), eggfast.EXTENSIONS)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env,
                         cwd=ROOT).stdout
    assert out.strip() == "['python'] False"


@requires_compiled
def test_compiled_protocol_uses_extension_types():
    """The single-source protocol twin really got its typed layout from eggfast/server/_protocol_c.pxd."""
    from eggfast.server import _protocol_c

    for cls in (_protocol_c.HttpProtocol, _protocol_c.ResponseWriter, _protocol_c.BodyReader, _protocol_c.RawRequest):
        obj = cls.__new__(cls)
        with pytest.raises(AttributeError):
            obj.not_declared = 1


def test_raw_request_is_the_active_protocols():
    from eggfast.server import _protocol

    raw = _protocol.RawRequest("GET", "/", "1.1", {}, None)
    assert type(raw) is _protocol.protocol.RawRequest
    assert (raw.peername, raw.sockname, raw.tls, raw.keep_alive) == (None, None, False, True)
    raw.method = "PUT"  # method-override middleware rewrites it
    assert raw.method == "PUT"


# --------------------------------------------------------------------------- guard rail 1: stale builds

def stale_sources(built: Path, sources: list[Path]) -> list[Path]:
    """The sources newer than the built extension ``built``."""
    stamp = built.stat().st_mtime
    return [s for s in sources if s.stat().st_mtime > stamp]


def built_extension(pair: twins.TwinPair, stem: str) -> Path | None:
    module = importlib.import_module(pair.compiled_module(stem)) if _importable(pair, stem) else None
    return Path(module.__file__) if module is not None else None


def _importable(pair: twins.TwinPair, stem: str) -> bool:
    try:
        importlib.import_module(pair.compiled_module(stem))
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("pair,stem", ROWS, ids=ROW_IDS)
def test_no_compiled_twin_is_older_than_its_sources(pair, stem):
    built = built_extension(pair, stem)
    if built is None:
        assert not twins.REQUIRE_EXTENSIONS, f"{pair.compiled_module(stem)} is not built"
        return  # nothing built, nothing stale: the pure twin runs
    sources = pair.compiled_sources(ROOT, stem) + sorted(pair.folder(ROOT).glob("_*_c.pxd"))
    stale = stale_sources(built, sources)
    assert not stale, (f"{built.name} is older than {', '.join(str(s.relative_to(ROOT)) for s in stale)}: "
                       "run `make build` (the compiled twin under test is not the code on disk)")


def test_stale_check_catches_a_touched_source(tmp_path):
    """The guard rail itself: a source edited after the build is reported."""
    built, source = tmp_path / "_x_c.so", tmp_path / "_x_c.pyx"
    built.write_bytes(b"")
    source.write_text("")
    os.utime(built, (1_000, 1_000))
    os.utime(source, (2_000, 2_000))
    assert stale_sources(built, [source]) == [source]
    os.utime(built, (3_000, 3_000))
    assert stale_sources(built, [source]) == []


# --------------------------------------------------------------------------- guard rail 2: declared attributes

_PXD_CLASS = re.compile(r"^cdef class (\w+)(?:\(([\w.]+)\))?\s*:\s*$")
_PXD_ATTR = re.compile(r"^\s+cdef\s+(?:public\s+|readonly\s+)?[\w.]+(?:\[[^\]]*\])?\s+([\w\s,]+?)\s*(?:#.*)?$")


def pxd_classes(pxd: Path) -> dict[str, set[str]]:
    """``{class: declared attribute names}`` of each ``cdef class`` with a body in a .pxd."""
    classes: dict[str, set[str]] = {}
    current = None
    for line in pxd.read_text().splitlines():
        match = _PXD_CLASS.match(line)
        if match:
            current = classes.setdefault(match.group(1), set())
            continue
        if line and not line[0].isspace():
            current = None
            continue
        if current is not None:
            attr = _PXD_ATTR.match(line)
            if attr and "(" not in line:
                current.update(name.strip() for name in attr.group(1).split(","))
    return classes


def undeclared_assignments(source: str, declared: dict[str, set[str]]) -> list[str]:
    """``Class.attr (line N)`` for each ``self.attr = …`` in a class whose .pxd layout lacks it.

    Classes whose layout has ``__dict__`` accept any attribute and are skipped;
    a name the class defines itself (a property or method) is not an attribute.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ClassDef) or node.name not in declared or "__dict__" in declared[node.name]:
            continue
        own = {n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for target in ast.walk(node):
            targets = []
            if isinstance(target, ast.Assign):
                targets = target.targets
            elif isinstance(target, (ast.AugAssign, ast.AnnAssign)):
                targets = [target.target]
            for t in targets:
                for leaf in ast.walk(t):
                    if (isinstance(leaf, ast.Attribute) and isinstance(leaf.value, ast.Name)
                            and leaf.value.id == "self" and leaf.attr not in declared[node.name]
                            and leaf.attr not in own):
                        found.append(f"{node.name}.{leaf.attr} (line {leaf.lineno})")
    return found


SINGLE_SOURCE = [(pair, stem) for pair, stem in ROWS if pair.source == "py"]


@pytest.mark.parametrize("pair,stem", SINGLE_SOURCE, ids=[pair.compiled_module(s) for pair, s in SINGLE_SOURCE])
def test_single_source_classes_assign_only_declared_attributes(pair, stem):
    source, pxd = pair.compiled_sources(ROOT, stem)
    declared = pxd_classes(pxd)
    assert declared or stem == "respond", f"{pxd} declares no class"
    bad = undeclared_assignments(source.read_text(), declared)
    assert not bad, (f"{source.relative_to(ROOT)} assigns attributes {pxd.name} does not declare: "
                     f"{', '.join(bad)}; declare them in {pxd.relative_to(ROOT)}")


def test_declared_attribute_check_catches_an_undeclared_one(tmp_path):
    """The guard rail itself, on a made-up class."""
    pxd = tmp_path / "_x_c.pxd"
    pxd.write_text("cdef class Box:\n    cdef public object a, b\n    cdef readonly int size\n\n"
                   "cdef class Open:\n    cdef dict __dict__\n")
    declared = pxd_classes(pxd)
    assert declared == {"Box": {"a", "b", "size"}, "Open": {"__dict__"}}
    source = ("class Box:\n    def __init__(self):\n        self.a = 1\n        self.b += 2\n"
              "        self.size = 3\n        self.c = 4\n"
              "    @property\n    def p(self):\n        return 0\n    @p.setter\n    def p(self, v):\n        pass\n"
              "    def set(self):\n        self.p = 5\n"
              "class Open:\n    def __init__(self):\n        self.anything = 1\n")
    assert undeclared_assignments(source, declared) == ["Box.c (line 6)"]


# --------------------------------------------------------------------------- guard rail 3: parity

def public_api(module) -> dict[str, object]:
    """The module's own public names: ``__all__`` if it has one, else what it defines."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, v in vars(module).items()
                 if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__]
    return {name: getattr(module, name) for name in names}


def describe(obj) -> object:
    """What parity compares: signature and coroutine-ness; for classes, their public methods."""
    if inspect.isclass(obj):
        methods = {n: describe(m) for n, m in vars(obj).items()
                   if not n.startswith("_") and callable(m) and not isinstance(m, type)}
        return ("class", methods)
    if callable(obj):
        try:
            params = inspect.signature(obj).parameters.values()
        except (TypeError, ValueError):
            return ("callable", "?", inspect.iscoroutinefunction(obj))
        signature = ",".join(p.name + ("" if p.default is p.empty else f"={p.default!r}") for p in params)
        return ("callable", f"({signature})", inspect.iscoroutinefunction(obj))
    return ("value", type(obj).__name__)


def parity_differences(pure, compiled) -> list[str]:
    a, b = public_api(pure), public_api(compiled)
    out = [f"only in {pure.__name__}: {n}" for n in sorted(set(a) - set(b))]
    out += [f"only in {compiled.__name__}: {n}" for n in sorted(set(b) - set(a))]
    for name in sorted(set(a) & set(b)):
        if describe(a[name]) != describe(b[name]):
            out.append(f"{name}: {describe(a[name])} != {describe(b[name])}")
    return out


@pytest.mark.parametrize("pair,stem", ROWS, ids=ROW_IDS)
def test_twins_expose_the_same_public_api(pair, stem):
    if not _importable(pair, stem):
        assert not twins.REQUIRE_EXTENSIONS
        return
    pure = importlib.import_module(pair.pure_module(stem))
    compiled = importlib.import_module(pair.compiled_module(stem))
    assert parity_differences(pure, compiled) == []


def test_parity_check_catches_a_difference():
    """The guard rail itself, on two made-up modules."""
    import types

    pure, compiled = types.ModuleType("p"), types.ModuleType("c")

    async def run(ctx, next=None):
        return None

    def run_sync(ctx, next=None):
        return None

    def other(ctx):
        return None

    pure.__all__, compiled.__all__ = ["run", "extra"], ["run"]
    pure.run, pure.extra, compiled.run = run, 1, run_sync
    assert parity_differences(pure, compiled) == [
        "only in p: extra", "run: ('callable', '(ctx,next=None)', True) != ('callable', '(ctx,next=None)', False)"]
    compiled.__all__, compiled.extra, compiled.run = ["run", "extra"], 2, other
    assert parity_differences(pure, compiled) == [
        "run: ('callable', '(ctx,next=None)', True) != ('callable', '(ctx)', False)"]
