"""Shared benchmark fixtures: every hot-path benchmark runs as ``[py]`` and ``[c]``."""
from __future__ import annotations

import importlib

import pytest


@pytest.fixture(params=["py", "c"])
def twin_tag(request) -> str:
    return request.param


def load(hot_path: str, tag: str):
    """The twin module ``eggfast._<hot_path>_<tag>`` (the compiled one must be built)."""
    return importlib.import_module(f"eggfast._{hot_path}_{tag}")
