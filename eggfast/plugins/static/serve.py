"""The static plugin's file server: path checks, conditional GET, ranges, encodings, a bounded cache.

:class:`StaticServer` answers one request with :meth:`StaticServer.serve`
(True when it did) from the mounts in ``config.static``.  A path is served
only when every segment is a plain name: no ``..`` or ``.`` in any encoding,
no empty segment (``//``, a trailing ``/``, a directory), no dotfile, no NUL
or backslash, and, unless ``follow_symlinks`` is on, its real path stays
inside the real path of its mount (so a symlink out of the folder and a
sibling folder such as ``public_secret`` are never reached).  Anything not
served passes on to the next middleware (the router, then a 404).

Files are read on the event loop: whole small files are kept in a bounded LRU
cache (``buffer``), larger ones are streamed in 64 KiB chunks from an open
file (no ``sendfile``: the server writes through its own buffered writer, see
docs/static.md).  Every request ``stat``s the file, so an edited file is
served fresh with a new ETag.
"""
from __future__ import annotations

import gzip as _gzip
import mimetypes
import os
import secrets
import stat as _stat
from collections import OrderedDict
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from typing import Any, Iterator, Optional
from urllib.parse import unquote_to_bytes

from eggfast.app.middleware.body_parser import parse_bytes
from eggfast.errors import ConfigError

__all__ = ["StaticOptions", "Mount", "StaticServer", "static_options", "parse_ranges", "safe_parts"]

#: one year: the default ``Cache-Control`` max-age in prod (egg-static's)
ONE_YEAR = 365 * 24 * 3600
_COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml",
                 "image/svg+xml", "application/wasm", "application/manifest+json")
_EXTRA_TYPES = {".js": "application/javascript", ".mjs": "application/javascript", ".wasm": "application/wasm",
                ".svg": "image/svg+xml", ".webp": "image/webp", ".woff2": "font/woff2", ".woff": "font/woff",
                ".json": "application/json", ".map": "application/json", ".md": "text/markdown"}


@dataclass(frozen=True)
class Mount:
    """One folder served under one URL prefix (which ends with ``/``)."""

    prefix: str
    dir: str
    #: ``os.path.realpath(dir)`` + the separator: every served file's real path starts with it
    real: str


@dataclass
class StaticOptions:
    """``config.static`` checked and resolved (see eggfast/defaults.py ``STATIC``)."""

    mounts: tuple[Mount, ...]
    max_age: int
    buffer: bool
    buffer_max_size: int
    max_files: int
    gzip: bool
    gzip_min_size: int
    precompressed: bool
    follow_symlinks: bool
    max_ranges: int
    cache_control: str = field(init=False)

    def __post_init__(self) -> None:
        self.cache_control = f"public, max-age={self.max_age}"


def _prefix(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.startswith("/"):
        raise ConfigError(f"config.static.{where}: a URL prefix starting with '/' is required, not {value!r}")
    return value if value.endswith("/") else value + "/"


def _mount(prefix: str, folder: Any, base_dir: str, where: str) -> Mount:
    if not isinstance(folder, (str, os.PathLike)) or not str(folder):
        raise ConfigError(f"config.static.{where}: a folder path is required, not {folder!r}")
    path = os.path.join(base_dir, os.fspath(folder))
    real = os.path.realpath(path)
    return Mount(prefix, path, real.rstrip(os.sep) + os.sep)


def static_options(app: Any, refresh: bool = False) -> StaticOptions:
    """``config.static`` as :class:`StaticOptions` (cached on the app; a bad value is a ConfigError)."""
    cached = app.__dict__.get("_eggfast_static_options")
    if cached is not None and not refresh:
        return cached
    conf = app.config.get("static") or {}
    base_dir = str(getattr(app, "base_dir", "") or os.getcwd())
    prefix = _prefix(conf.get("prefix", "/public/"), "prefix")
    mounts: list[Mount] = []
    main = conf.get("dir")
    if main is None:
        main = os.path.join("app", "public")
    for folder in (main if isinstance(main, (list, tuple)) else [main]):
        mounts.append(_mount(prefix, folder, base_dir, "dir"))
    for i, item in enumerate(conf.get("dirs") or []):
        if isinstance(item, dict):
            mounts.append(_mount(_prefix(item.get("prefix", prefix), f"dirs[{i}].prefix"), item.get("dir"),
                                 base_dir, f"dirs[{i}].dir"))
        else:
            mounts.append(_mount(prefix, item, base_dir, f"dirs[{i}]"))
    # the longest prefix is tried first; a stable sort keeps the order of folders sharing one
    mounts.sort(key=lambda m: -len(m.prefix))
    env = getattr(app.config, "env", None) or app.config.get("env", "local")
    max_age = conf.get("max_age")
    if max_age is None:
        max_age = ONE_YEAR if env == "prod" else 0
    buffer = conf.get("buffer")
    if buffer is None:
        buffer = env == "prod"
    max_ranges = conf.get("max_ranges", 100)
    for key, value in (("max_age", max_age), ("max_files", conf.get("max_files", 1000)), ("max_ranges", max_ranges)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"config.static.{key}: a whole number >= 0 is required, not {value!r}")
    options = StaticOptions(
        mounts=tuple(mounts),
        max_age=max_age,
        buffer=bool(buffer),
        buffer_max_size=parse_bytes(conf.get("buffer_max_size", "1mb")) or 0,
        max_files=conf.get("max_files", 1000),
        gzip=bool(conf.get("gzip", False)),
        gzip_min_size=parse_bytes(conf.get("gzip_min_size", 1024)) or 0,
        precompressed=bool(conf.get("precompressed", True)),
        follow_symlinks=bool(conf.get("follow_symlinks", False)),
        max_ranges=max_ranges,
    )
    app.__dict__["_eggfast_static_options"] = options
    return options


def safe_parts(rel: str) -> Optional[list[str]]:
    """The path segments of ``rel`` (percent-encoded, after the prefix) when every one is servable, else None."""
    if "%" in rel:
        try:
            rel = unquote_to_bytes(rel).decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not rel or "\x00" in rel or "\\" in rel:
        return None
    parts = rel.split("/")
    for part in parts:
        # '' (// or a trailing slash), '.', '..', dotfiles; ':' (drive letters and NTFS streams)
        if not part or part[0] == "." or ":" in part:
            return None
    return parts


def parse_ranges(header: str, size: int, max_ranges: int) -> Optional[list[tuple[int, int]]]:
    """The byte ranges of a ``Range`` header as sorted, merged ``(first, last)`` pairs.

    None: ignore the header and send the whole file (not ``bytes=``, bad syntax,
    more than ``max_ranges`` ranges).  ``[]``: nothing satisfiable (a 416).
    """
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or not spec:
        return None
    specs = spec.split(",")
    if len(specs) > max_ranges:
        return None
    ranges: list[tuple[int, int]] = []
    for item in specs:
        first, dash, last = item.strip().partition("-")
        if not dash:
            return None
        first, last = first.strip(), last.strip()
        if (first and not first.isdigit()) or (last and not last.isdigit()) or not (first or last):
            return None
        if not first:  # a suffix: the last N bytes
            count = int(last)
            if count == 0 or size == 0:
                continue
            ranges.append((max(0, size - count), size - 1))
            continue
        start = int(first)
        end = int(last) if last else size - 1
        if last and end < start:
            return None
        if start >= size:
            continue
        ranges.append((start, min(end, size - 1)))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class _Entry:
    __slots__ = ("key", "type", "etag", "last_modified", "mtime", "data", "gz", "compressible")

    def __init__(self, key: tuple, type_: str, etag: str, last_modified: str, mtime: int) -> None:
        self.key = key
        self.type = type_
        self.etag = etag
        self.last_modified = last_modified
        self.mtime = mtime
        self.data: Optional[bytes] = None
        self.gz: Optional[bytes] = None
        self.compressible = type_.startswith(_COMPRESSIBLE)


class RangeFile:
    """A file object limited to ``length`` bytes from ``start`` (a streamed response body)."""

    def __init__(self, path: str, start: int, length: int) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 - closed by the response
        if start:
            self._file.seek(start)
        self._left = length

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left for -1); ``b""`` at the end."""
        if self._left <= 0:
            return b""
        size = self._left if size < 0 else min(size, self._left)
        data = self._file.read(size)
        self._left -= len(data)
        if not data:
            self._left = 0
        return data

    def close(self) -> None:
        """Close the file (the response does this once it is sent or dropped)."""
        self._file.close()


def _accepted(header: str) -> set[str]:
    found: set[str] = set()
    for item in header.lower().split(","):
        name, _, params = item.strip().partition(";")
        q = params.strip()
        if q.startswith("q="):
            try:
                if float(q[2:]) <= 0:
                    continue
            except ValueError:
                continue
        found.add(name.strip())
    return found


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    weak = etag[2:] if etag.startswith("W/") else etag
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag == weak:
            return True
    return False


def _not_modified_since(header: str, mtime: int) -> bool:
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if when is None:
        return False
    return mtime <= int(when.timestamp())


class StaticServer:
    """Serves the mounts of one :class:`StaticOptions`; keeps the bounded file cache."""

    def __init__(self, options: StaticOptions) -> None:
        self.options = options
        self._cache: "OrderedDict[str, _Entry]" = OrderedDict()

    # -- finding the file ---------------------------------------------------

    def find(self, path: str) -> Optional[tuple[str, os.stat_result, Mount]]:
        """The file for a request path (still percent-encoded), its stat and mount; None when not servable."""
        for mount in self.options.mounts:
            if not path.startswith(mount.prefix):
                continue
            parts = safe_parts(path[len(mount.prefix):])
            if parts is None:
                return None
            found = self._check(os.path.join(mount.dir, *parts), mount)
            if found is not None:
                return found[0], found[1], mount
        return None

    def _check(self, full: str, mount: Mount) -> Optional[tuple[str, os.stat_result]]:
        try:
            if not self.options.follow_symlinks:
                real = os.path.realpath(full)
                if not real.startswith(mount.real):
                    return None
            st = os.stat(full)
        except (OSError, ValueError):
            return None
        if not _stat.S_ISREG(st.st_mode):
            return None
        return full, st

    def _entry(self, full: str, st: os.stat_result) -> _Entry:
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        cache = self._cache
        entry = cache.get(full)
        if entry is not None and entry.key == key:
            cache.move_to_end(full)
            return entry
        ext = os.path.splitext(full)[1].lower()
        type_ = _EXTRA_TYPES.get(ext) or mimetypes.guess_type(full)[0] or "application/octet-stream"
        if type_.startswith("text/") or type_ in ("application/javascript", "application/json", "image/svg+xml"):
            type_ += "; charset=utf-8"
        entry = _Entry(key, type_, f'"{st.st_size:x}-{st.st_mtime_ns:x}"',
                       formatdate(st.st_mtime, usegmt=True), int(st.st_mtime))
        cache[full] = entry
        if len(cache) > self.options.max_files:
            cache.popitem(last=False)
        return entry

    # -- answering ----------------------------------------------------------

    def serve(self, ctx: Any) -> bool:
        """Answer ``ctx`` (a GET or HEAD) from a mount; False when nothing here matches."""
        found = self.find(ctx.path)
        if found is None:
            return False
        full, st, mount = found
        entry = self._entry(full, st)
        options = self.options
        headers = ctx.request.headers
        set_header = ctx.set
        set_header("Last-Modified", entry.last_modified)
        set_header("ETag", entry.etag)
        set_header("Cache-Control", options.cache_control)
        set_header("Accept-Ranges", "bytes")
        inm = headers.get("if-none-match")
        if inm is not None:
            fresh = _etag_matches(inm, entry.etag)
        else:
            ims = headers.get("if-modified-since")
            fresh = ims is not None and _not_modified_since(ims, entry.mtime)
        encodings_matter = options.precompressed or (options.gzip and entry.compressible)
        if encodings_matter:
            ctx.vary("Accept-Encoding")
        if fresh:
            ctx.status = 304
            return True
        ctx.type = entry.type
        size = st.st_size

        # -- a precompressed sibling or on-the-fly gzip (never with a Range) ----
        accept = headers.get("accept-encoding")
        if encodings_matter and accept:
            accepted = _accepted(accept)
            if options.precompressed:
                for name, suffix in (("br", ".br"), ("gzip", ".gz")):
                    if name in accepted:
                        sibling = self._check(full + suffix, mount)
                        if sibling is not None:
                            set_header("Content-Encoding", name)
                            self._whole(ctx, sibling[0], sibling[1].st_size, None)
                            return True
            if (options.gzip and entry.compressible and "gzip" in accepted
                    and options.gzip_min_size <= size <= max(options.buffer_max_size, 1)):
                if entry.gz is None:
                    with open(full, "rb") as fh:
                        entry.gz = _gzip.compress(fh.read(), 6, mtime=0)
                set_header("Content-Encoding", "gzip")
                ctx.body = entry.gz
                return True

        # -- ranges ------------------------------------------------------------
        range_header = headers.get("range")
        if range_header is not None and ctx.method == "GET":
            if_range = headers.get("if-range")
            if if_range is None or (if_range.strip() == entry.etag if if_range.strip().startswith(('"', "W/"))
                                    else if_range.strip() == entry.last_modified):
                ranges = parse_ranges(range_header, size, options.max_ranges)
                if ranges is not None:
                    if not ranges:
                        ctx.status = 416
                        set_header("Content-Range", f"bytes */{size}")
                        ctx.body = b""
                        return True
                    if len(ranges) == 1:
                        start, end = ranges[0]
                        ctx.status = 206
                        set_header("Content-Range", f"bytes {start}-{end}/{size}")
                        self._part(ctx, full, entry, start, end - start + 1)
                        return True
                    self._multipart(ctx, full, entry, size, ranges)
                    return True

        self._whole(ctx, full, size, entry)
        return True

    def _whole(self, ctx: Any, full: str, size: int, entry: Optional[_Entry]) -> None:
        options = self.options
        if entry is not None and options.buffer and size <= options.buffer_max_size:
            if entry.data is None:
                with open(full, "rb") as fh:
                    entry.data = fh.read()
            ctx.body = entry.data
            return
        self._part(ctx, full, entry, 0, size)

    def _part(self, ctx: Any, full: str, entry: Optional[_Entry], start: int, length: int) -> None:
        if entry is not None and entry.data is not None:
            ctx.body = entry.data[start:start + length]
            return
        if ctx.method == "HEAD":
            ctx.body = b""
            ctx.length = length
            return
        ctx.body = RangeFile(full, start, length)
        ctx.length = length

    def _multipart(self, ctx: Any, full: str, entry: _Entry, size: int, ranges: list[tuple[int, int]]) -> None:
        boundary = secrets.token_hex(12)
        heads = [(f"--{boundary}\r\nContent-Type: {entry.type}\r\n"
                  f"Content-Range: bytes {start}-{end}/{size}\r\n\r\n").encode("latin-1") for start, end in ranges]
        tail = f"--{boundary}--\r\n".encode("latin-1")
        length = sum(len(h) + (end - start + 1) + 2 for h, (start, end) in zip(heads, ranges)) + len(tail)
        ctx.status = 206
        ctx.body = _byteranges(full, entry.data, heads, ranges, tail)
        ctx.type = f"multipart/byteranges; boundary={boundary}"
        ctx.length = length


def _byteranges(full: str, data: Optional[bytes], heads: list[bytes], ranges: list[tuple[int, int]],
                tail: bytes) -> Iterator[bytes]:
    fh = None if data is not None else open(full, "rb")  # noqa: SIM115 - closed below
    try:
        for head, (start, end) in zip(heads, ranges):
            yield head
            if data is not None:
                yield data[start:end + 1]
            else:
                assert fh is not None
                fh.seek(start)
                left = end - start + 1
                while left > 0:
                    chunk = fh.read(min(left, 64 * 1024))
                    if not chunk:
                        break
                    left -= len(chunk)
                    yield chunk
            yield b"\r\n"
        yield tail
    finally:
        if fh is not None:
            fh.close()

