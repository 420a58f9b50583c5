"""Build script: compiles every ``src/_*_c.pyx`` into ``eggfast._*_c``.

``EGGFAST_NO_EXTENSIONS=1`` (1/true/yes/on, any case) builds the pure package;
the same rule is applied at run time by ``eggfast._speedups``.  A failed
compile never stops the install (the pure twins take over), unless
``EGGFAST_REQUIRE_EXTENSIONS`` is on.
"""
import os
import pathlib
import platform
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = pathlib.Path(__file__).parent
TRUTHY = {"1", "true", "yes", "on"}


def env_flag(name: str) -> bool:
    """The one reading of an eggfast switch: 1/true/yes/on, any case."""
    return os.environ.get(name, "").strip().lower() in TRUTHY


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

    # Hand-written twins: src/_X_c.pyx -> eggfast._X_c.
    exts = [
        Extension(f"eggfast.{pyx.stem}", [str(pyx.relative_to(HERE))], extra_compile_args=["-O2"])
        for pyx in sorted((HERE / "src").glob("_*_c.pyx"))
    ]
    # Single-source twins: eggfast/_X_py.py compiled as eggfast._X_c, typed by the
    # augmenting declarations in eggfast/_X_c.pxd (aiohttp's reader_c approach).
    exts += [
        Extension(
            f"eggfast.{pxd.stem}",
            [str(pxd.with_name(pxd.stem[:-2] + "_py.py").relative_to(HERE))],
            extra_compile_args=["-O2"],
            depends=[str(pxd.relative_to(HERE))],
        )
        for pxd in sorted((HERE / "eggfast").glob("_*_c.pxd"))
        if not (HERE / "src" / f"{pxd.stem}.pyx").exists()
    ]
    # cythonize does not see an augmenting .pxd of another name as a dependency of
    # the .py it augments: regenerate the C of a single-source twin whose .pxd
    # (or a .pxd it cimports) is newer than that C file.
    newest_pxd = max((p.stat().st_mtime for p in (HERE / "eggfast").glob("_*_c.pxd")), default=0.0)
    for pxd in (HERE / "eggfast").glob("_*_c.pxd"):
        generated = pxd.with_name(pxd.stem[:-2] + "_py.c")
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
            built.extend(cythonize([ext], compiler_directives=directives, include_path=["src"], quiet=True))
        except Exception as exc:
            if REQUIRE_EXTENSIONS:
                raise
            print(f"* eggfast: {ext.name} not cythonized ({exc}) *", file=sys.stderr)
    return built


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
