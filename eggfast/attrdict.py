"""Config dicts: :class:`AttrDict` (keys read as attributes) and :func:`deep_merge`.

``deep_merge`` is the one merge of config layers (Koa defaults, framework,
plugins, app, ``EGG_APP_CONFIG``): dicts merge deep, lists and everything
else replace, as in Egg.
"""
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


def deep_merge(target: dict, source: dict, meta: dict | None = None, origin: str = "") -> dict:
    """Merge ``source`` into ``target`` in place (dicts deep, everything else replaces).

    Dicts and lists taken from ``source`` are copied, so editing the merged
    config in place (``app.config.core_middleware.append(...)``) never
    changes a module-level default or another app's config.
    """
    for key, value in source.items():
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            sub_meta = None
            if meta is not None:
                sub_meta = meta.get(key)
                if not isinstance(sub_meta, dict):
                    sub_meta = meta[key] = {}
            deep_merge(current, value, sub_meta, origin)
        else:
            if isinstance(value, dict):
                value = _copy_dict(value)
                if meta is not None:
                    meta[key] = _meta_of(value, origin)
            else:
                value = _copy_value(value)
                if meta is not None:
                    meta[key] = origin
            target[key] = value
    return target


def _copy_dict(value: dict) -> dict:
    return {k: _copy_value(v) for k, v in value.items()}


def _copy_value(value: Any) -> Any:
    """A copy of the dicts and lists in ``value`` (other objects are shared)."""
    if isinstance(value, dict):
        return _copy_dict(value)
    if isinstance(value, list):
        return [_copy_value(v) for v in value]
    return value


def _meta_of(value: dict, origin: str) -> dict:
    return {k: _meta_of(v, origin) if isinstance(v, dict) else origin for k, v in value.items()}
