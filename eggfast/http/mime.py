"""Content-type lookup: short names and extensions to full media types.

``content_type('json')`` gives ``'application/json; charset=utf-8'``,
``content_type('.png')`` gives ``'image/png'``, ``content_type('text/plain')``
gives ``'text/plain; charset=utf-8'`` and an unknown name gives ``None``.
Only the interpreter's built-in table is used (never /etc/mime.types), so the
answers are the same on every machine.
"""
from __future__ import annotations

import mimetypes
from typing import Optional

# The built-in table of the stdlib, without the platform's files.
_STDLIB_TYPES: dict[str, str] = dict(mimetypes.MimeTypes().types_map[True])

# Names web developers use that the stdlib table lacks or answers differently
# (the values a browser-facing framework is expected to send).
_OVERRIDES: dict[str, str] = {
    "bin": "application/octet-stream",
    "gz": "application/gzip",
    "html": "text/html",
    "htm": "text/html",
    "ico": "image/x-icon",
    "js": "application/javascript",
    "mjs": "application/javascript",
    "json": "application/json",
    "map": "application/json",
    "md": "text/markdown",
    "markdown": "text/markdown",
    "text": "text/plain",
    "txt": "text/plain",
    "webp": "image/webp",
    "woff": "font/woff",
    "woff2": "font/woff2",
    "xml": "application/xml",
    "yaml": "text/yaml",
    "yml": "text/yaml",
    "avif": "image/avif",
    "webm": "video/webm",
    "mp3": "audio/mpeg",
    "otf": "font/otf",
    "ttf": "font/ttf",
    "7z": "application/x-7z-compressed",
}

# Non-text types that are always UTF-8 and so get a charset parameter.
_UTF8_TYPES = frozenset({"application/json", "application/javascript", "application/xml"})

_cache: dict[str, Optional[str]] = {}
_CACHE_MAX = 256


def extname(path: str) -> str:
    """The extension of ``path`` with its dot (``'a/b.tar.gz'`` → ``'.gz'``), or ``''``.

    A leading dot of the base name does not start an extension (``'.bashrc'``).
    """
    base = path.rstrip("/").rsplit("/", 1)[-1]
    dot = base.rfind(".")
    if dot <= 0:
        return ""
    return base[dot:]


def lookup(name: str) -> Optional[str]:
    """The media type for an extension, a short name or a file name; ``None`` if unknown.

    ``'json'``, ``'.json'`` and ``'data/file.json'`` all give ``'application/json'``.
    """
    if not name:
        return None
    ext = extname("x." + name)[1:].lower()
    if not ext:
        return None
    return _OVERRIDES.get(ext) or _STDLIB_TYPES.get("." + ext)


def charset_for(media_type: str) -> Optional[str]:
    """The default charset of a media type (``'utf-8'`` for text and JSON-like types)."""
    mt = media_type.split(";", 1)[0].strip().lower()
    if mt.startswith("text/") or mt in _UTF8_TYPES:
        return "utf-8"
    return None


def content_type(name: str) -> Optional[str]:
    """A full Content-Type value for a short name, extension or media type.

    Adds ``; charset=utf-8`` for text and JSON-like types unless a charset is
    already given.  Returns ``None`` when ``name`` cannot be resolved.
    """
    try:
        return _cache[name]
    except KeyError:
        pass
    except TypeError:  # unhashable
        return None
    if not isinstance(name, str):
        return None
    if "/" in name:
        value: Optional[str] = name
    else:
        value = lookup(name)
    if value is not None and "charset" not in value.lower():
        charset = charset_for(value)
        if charset:
            value = f"{value}; charset={charset}"
    if len(_cache) < _CACHE_MAX:
        _cache[name] = value
    return value
