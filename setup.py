"""Build script: compiles the compiled twin of every row of ``eggfast/twins.py``.

``EGGFAST_NO_EXTENSIONS=1`` (1/true/yes/on, any case) builds the pure package;
the same rule is applied at run time by ``eggfast.twins``.  A failed
compile never stops the install (the pure twins take over), unless
``EGGFAST_REQUIRE_EXTENSIONS`` is on.
"""
import pathlib
import platform
import runpy
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = pathlib.Path(__file__).resolve().parent
# The twin table and the switch's reading, from the package itself (that module
# imports nothing from eggfast, so it loads before anything is built).
_twins = runpy.run_path(str(HERE / "eggfast" / "twins.py"))
TWINS = _twins["TWINS"]
env_flag = _twins["env_flag"]


NO_EXTENSIONS = env_flag("EGGFAST_NO_EXTENSIONS") or platform.python_implementation() != "CPython"
REQUIRE_EXTENSIONS = env_flag("EGGFAST_REQUIRE_EXTENSIONS")


class OptionalBuildExt(build_ext):
    """Compile what we can; fall back to the pure twins on failure."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler, no headers
            if REQUIRE_EXTENSIONS:
                raise
            print(f"* eggfast: compiled twins not built ({exc}); pure build *", file=sys.stderr)

    def build_extension(self, ext) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            if REQUIRE_EXTENSIONS:
                raise
            print(f"* eggfast: {ext.name} not built ({exc}) *", file=sys.stderr)


def extensions():
    if NO_EXTENSIONS:
        print("* eggfast: pure build (EGGFAST_NO_EXTENSIONS) *", file=sys.stderr)
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        if REQUIRE_EXTENSIONS:
            raise
        print("* eggfast: Cython missing; pure build *", file=sys.stderr)
        return []
    from setuptools import Extension

    # One Extension per row of eggfast/twins.py, built as <package>._<stem>_c next
    # to its pure twin: from a hand-written _<stem>_c.pyx, or from the pure
    # module itself typed by its augmenting _<stem>_c.pxd.
    exts = []
    for pair in TWINS:
        pxds = sorted(str(p.relative_to(HERE)) for p in pair.folder(HERE).glob("_*_c.pxd"))
        for stem in pair.stems:
            main, *_ = pair.compiled_sources(HERE, stem)
            exts.append(Extension(pair.compiled_module(stem), [str(main.relative_to(HERE))],
                                  extra_compile_args=["-O2"], depends=pxds))
    # cythonize does not see an augmenting .pxd of another name as a dependency of
    # the .py it augments: regenerate the C of a single-source twin whose .pxd (or
    # a .pxd of its package, which it may cimport) is newer than that C file.
    for pair in TWINS:
        if pair.source != "py":
            continue
        newest_pxd = max((p.stat().st_mtime for p in pair.folder(HERE).glob("_*_c.pxd")), default=0.0)
        for stem in pair.stems:
            generated = pair.compiled_sources(HERE, stem)[0].with_suffix(".c")
            if generated.exists() and generated.stat().st_mtime < newest_pxd:
                generated.unlink()
    directives = {
        "language_level": "3",
        "embedsignature": True,
        "binding": True,
        "freethreading_compatible": True,
    }
    macros = []
    if env_flag("EGGFAST_CYTHON_TRACE"):
        directives["linetrace"] = True
        macros.append(("CYTHON_TRACE", "1"))
    for ext in exts:
        ext.define_macros.extend(macros)
    print("* eggfast: accelerated build *", file=sys.stderr)
    built = []
    for ext in exts:  # one at a time, so one bad module leaves the others compiled
        try:
            built.extend(cythonize([ext], compiler_directives=directives, include_path=[str(HERE)], quiet=True))
        except Exception as exc:
            if REQUIRE_EXTENSIONS:
                raise
            print(f"* eggfast: {ext.name} not cythonized ({exc}) *", file=sys.stderr)
    return built


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
