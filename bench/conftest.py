"""Shared benchmark fixtures: every hot-path benchmark runs as ``[py]`` and ``[c]``."""
from __future__ import annotations

import importlib

import pytest


@pytest.fixture(params=["py", "c"])
def twin_tag(request) -> str:
    return request.param


def load(hot_path: str, tag: str):
    """The ``py`` or ``c`` twin module of a one-module hot path (the compiled one must be built)."""
    from eggfast.twins import BY_HOT_PATH

    pair = BY_HOT_PATH[hot_path]
    (stem,) = pair.stems
    return importlib.import_module(pair.pure_module(stem) if tag == "py" else pair.compiled_module(stem))
