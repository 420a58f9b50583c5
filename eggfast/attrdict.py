"""A dict that also reads (and writes) its keys as attributes, recursively."""
from __future__ import annotations

from typing import Any


class AttrDict(dict):
    """``cfg.security.csrf == cfg["security"]["csrf"]``; nested dicts become AttrDicts."""

    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, value in self.items():
            if isinstance(value, dict) and not isinstance(value, AttrDict):
                dict.__setitem__(self, key, AttrDict(value))

    def __getattribute__(self, name: str) -> Any:
        # Egg's cookie secret lives at ``config.keys``; as an attribute it must
        # read that key, not dict.keys (call ``dict.keys(cfg)`` for the method).
        if name == "keys" and dict.__contains__(self, "keys"):
            return dict.__getitem__(self, "keys")
        return dict.__getattribute__(self, name)

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"config has no key {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setitem__(self, key: str, value: Any) -> None:
        if isinstance(value, dict) and not isinstance(value, AttrDict):
            value = AttrDict(value)
        super().__setitem__(key, value)
