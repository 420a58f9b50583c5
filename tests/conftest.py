"""Shared fixtures: the twin facade (multidict style) and small helpers.

Every hot path has a fixture parametrized over ``py`` and ``c``; the ``c``
param is marked ``c_extension`` and skipped only when the compiled module is
not importable (``make test`` runs with EGGFAST_REQUIRE_EXTENSIONS=1, where
tests/twins/test_registry.py fails instead).  The runtime switch
EGGFAST_NO_EXTENSIONS does not hide a twin from these fixtures: both twins
run in every session.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest


@dataclass(frozen=True)
class Twin:
    """One implementation of one hot path."""

    hot_path: str
    tag: str  # "py" | "c"
    module: ModuleType

    @property
    def is_pure(self) -> bool:
        return self.tag == "py"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.module, name)


def load_twin(hot_path: str, tag: str) -> Twin:
    """The ``py`` or ``c`` twin of a one-module hot path of :data:`eggfast.twins.TWINS`."""
    from eggfast.twins import BY_HOT_PATH

    pair = BY_HOT_PATH[hot_path]
    (stem,) = pair.stems
    name = pair.pure_module(stem) if tag == "py" else pair.compiled_module(stem)
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        pytest.skip(f"compiled twin {name} not built: {exc}")
    return Twin(hot_path, tag, module)


TWIN_PARAMS = [pytest.param("py", id="py"), pytest.param("c", id="c", marks=pytest.mark.c_extension)]


@pytest.fixture(params=TWIN_PARAMS)
def compose_twin(request) -> Twin:
    return load_twin("compose", request.param)


@pytest.fixture(params=TWIN_PARAMS)
def matcher_twin(request) -> Twin:
    return load_twin("matcher", request.param)


@pytest.fixture(params=TWIN_PARAMS)
def protocol_twin(request) -> Twin:
    return load_twin("protocol", request.param)


@pytest.fixture(params=TWIN_PARAMS)
def writer_twin(request) -> Twin:
    return load_twin("writer", request.param)


@pytest.fixture(params=["py", pytest.param("c", marks=pytest.mark.c_extension)])
def context_twin(request):
    """The ``context`` twin (Context/Request/Response/respond) an app is built on:
    ``Application(context_twin=context_twin)``; both run in every session."""
    from eggfast.twins import select

    twins = select("context")
    if request.param == "py":
        return twins.pure
    if twins.compiled is None:
        pytest.skip("compiled context twin not built")
    return twins.compiled
