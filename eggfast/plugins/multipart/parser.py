"""Reading ``multipart/form-data`` as it arrives (on python-multipart's push parser), with egg-multipart's limits.

:class:`MultipartReader` feeds the request body to a
``python_multipart.MultipartParser`` only as fast as the app reads parts:
:meth:`MultipartReader.parts` yields a :class:`Field` for each form field and
a :class:`FileStream` for each file, whose bytes are read from the socket
only while the app reads the stream.  Unread file data is skipped when the
next part is asked for.

Limits (``config.multipart``) are errors naming the key: more than ``fields``
fields, ``files`` files, a field over ``field_size`` or a name over
``field_name_size`` bytes, or a file over ``file_size`` → 413
``request ... too large: multipart.<key> is <value>``.  A file whose
extension is not allowed → 400 ``invalid filename extension: '.php'
(a.png.php)``.  A body that is not valid multipart or ends early → 400.
"""
from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Optional, Union

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from eggfast.app.middleware.body_parser import parse_bytes
from eggfast.errors import ConfigError, HttpError

__all__ = ["MultipartOptions", "multipart_options", "MultipartReader", "Field", "FileStream", "DEFAULT_WHITE_LIST",
           "is_multipart"]

#: egg-multipart's default file extension white list
DEFAULT_WHITE_LIST = (
    # images
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".wbmp", ".webp", ".tif", ".psd",
    # text
    ".svg", ".js", ".jsx", ".json", ".css", ".less", ".html", ".htm", ".xml",
    # tar
    ".zip", ".gz", ".tgz", ".gzip",
    # video
    ".mp3", ".mp4", ".avi",
)


@dataclass(frozen=True)
class MultipartOptions:
    """``config.multipart`` checked (sizes in bytes)."""

    mode: str
    field_name_size: int
    field_size: int
    fields: int
    file_size: int
    files: int
    white_list: frozenset[str]
    whitelist: Optional[Callable[[str], bool]]
    tmpdir: str
    shown: dict[str, str]


def multipart_options(app: Any, override: Optional[dict] = None) -> MultipartOptions:
    """``config.multipart`` (+ ``override``) as :class:`MultipartOptions`; a bad value is a ConfigError."""
    conf = dict(app.config.get("multipart") or {})
    conf.update(override or {})
    mode = conf.get("mode", "stream")
    if mode not in ("stream", "file"):
        raise ConfigError(f"config.multipart.mode: 'stream' or 'file' is required, not {mode!r}")
    sizes: dict[str, int] = {}
    shown: dict[str, str] = {}
    for key, default in (("field_name_size", 100), ("field_size", "100kb"), ("file_size", "10mb")):
        value = conf.get(key, default)
        try:
            size = parse_bytes(value)
        except (TypeError, ValueError):
            size = None
        if size is None or size < 0:
            raise ConfigError(f"config.multipart.{key}: a size ('10mb' or bytes) is required, not {value!r}")
        sizes[key] = size
        shown[key] = str(value)
    counts: dict[str, int] = {}
    for key in ("fields", "files"):
        value = conf.get(key, 10)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"config.multipart.{key}: a whole number >= 0 is required, not {value!r}")
        counts[key] = value
        shown[key] = str(value)
    extra = conf.get("file_ext_white_list") or []
    if not isinstance(extra, (list, tuple)) or not all(isinstance(e, str) for e in extra):
        raise ConfigError(f"config.multipart.file_ext_white_list: a list of extensions is required, not {extra!r}")
    whitelist = conf.get("whitelist")
    if whitelist is not None and not callable(whitelist) and not isinstance(whitelist, (list, tuple)):
        raise ConfigError("config.multipart.whitelist: a list of extensions or callable(filename) -> bool is required")
    if isinstance(whitelist, (list, tuple)):
        white = frozenset(e.lower() for e in whitelist)
        whitelist = None
    else:
        white = frozenset(DEFAULT_WHITE_LIST) | {e.lower() for e in extra}
    tmpdir = conf.get("tmpdir") or os.path.join(__import__("tempfile").gettempdir(), "eggfast-multipart-tmp",
                                                str(getattr(app, "name", "app")))
    return MultipartOptions(mode, sizes["field_name_size"], sizes["field_size"], counts["fields"],
                            sizes["file_size"], counts["files"], white, whitelist, str(tmpdir), shown)


def is_multipart(ctx: Any) -> bool:
    """Whether the request body is ``multipart/form-data``."""
    ctype = (ctx.get("content-type") or "").lower()
    return ctype.startswith("multipart/form-data")


@dataclass(frozen=True)
class Field:
    """A form field: ``name`` and its text ``value``."""

    name: str
    value: str


class FileStream:
    """One uploaded file, read as it arrives: ``async for chunk in stream`` or ``await stream.read()``."""

    def __init__(self, reader: "MultipartReader", fieldname: str, filename: str, mime: str,
                 headers: dict[str, str]) -> None:
        self._reader = reader
        #: the form field name
        self.fieldname = fieldname
        #: the client's file name (its last path segment only)
        self.filename = filename
        #: the part's Content-Type
        self.mime = mime
        self.headers = headers
        #: form fields read before this file (``ctx.get_file_stream()`` fills it)
        self.fields: dict[str, Any] = {}
        self.size = 0
        self._done = False

    async def read_chunk(self) -> bytes:
        """The next piece of the file, ``b""`` at its end (413 past ``multipart.file_size``)."""
        if self._done:
            return b""
        kind, data = await self._reader._event()
        if kind == "data":
            self.size += len(data)
            options = self._reader.options
            if self.size > options.file_size:
                raise HttpError(413, f"request file too large: multipart.file_size is {options.shown['file_size']} "
                                     f"({self.filename})")
            return data
        self._done = True  # part_end
        return b""

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[bytes]:
        while True:
            chunk = await self.read_chunk()
            if not chunk:
                return
            yield chunk

    async def read(self) -> bytes:
        """The rest of the file (bounded by ``multipart.file_size``)."""
        out = bytearray()
        async for chunk in self:
            out += chunk
        return bytes(out)

    async def drain(self) -> None:
        """Skip what the app did not read (still counting toward the size limit)."""
        while await self.read_chunk():
            pass


class MultipartReader:
    """Parses one request's multipart body, pulling chunks from ``ctx.request`` on demand."""

    def __init__(self, ctx: Any, options: MultipartOptions) -> None:
        self.ctx = ctx
        self.options = options
        _, params = parse_options_header(ctx.get("content-type") or "")
        boundary = params.get(b"boundary")
        if not boundary or len(boundary) > 200:
            raise HttpError(400, "invalid multipart body: no boundary in Content-Type")
        self._events: deque[tuple[str, Any]] = deque()
        self._chunks = ctx.request.__aiter__()
        self._ended = False
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, str] = {}
        events = self._events

        def on_part_begin() -> None:
            self._headers = {}

        def on_header_field(data: bytes, start: int, end: int) -> None:
            self._header_field += data[start:end]

        def on_header_value(data: bytes, start: int, end: int) -> None:
            self._header_value += data[start:end]

        def on_header_end() -> None:
            self._headers[self._header_field.decode("latin-1").lower()] = self._header_value.decode("utf-8", "replace")
            self._header_field.clear()
            self._header_value.clear()

        def on_headers_finished() -> None:
            events.append(("headers", self._headers))

        def on_part_data(data: bytes, start: int, end: int) -> None:
            if end > start:
                events.append(("data", bytes(data[start:end])))

        def on_part_end() -> None:
            events.append(("part_end", None))

        def on_end() -> None:
            events.append(("end", None))

        self._parser = MultipartParser(boundary, {
            "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
            "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data, "on_part_end": on_part_end, "on_end": on_end,
        })

    async def _event(self) -> tuple[str, Any]:
        events = self._events
        while not events:
            if self._ended:
                raise HttpError(400, "invalid multipart body: it ended before the closing boundary")
            try:
                chunk = await self._chunks.__anext__()
            except StopAsyncIteration:
                self._ended = True
                continue
            try:
                self._parser.write(chunk)
            except MultipartParseError as err:
                raise HttpError(400, f"invalid multipart body: {err}") from None
        return events.popleft()

    def _check_file(self, filename: str) -> None:
        options = self.options
        ext = os.path.splitext(filename)[1].lower()
        if options.whitelist is not None:
            allowed = bool(options.whitelist(filename))
        else:
            allowed = ext in options.white_list
        if not allowed:
            raise HttpError(400, f"invalid filename extension: {ext or '(none)'!r} ({filename})")

    async def parts(self) -> AsyncIterator[Union[Field, FileStream]]:
        """Every part in order; a :class:`FileStream` must be read (or is skipped) before the next one."""
        options = self.options
        fields = files = 0
        current: Optional[FileStream] = None
        while True:
            if current is not None:
                await current.drain()
                current = None
            kind, value = await self._event()
            if kind == "end":
                return
            if kind != "headers":  # pragma: no cover - the parser always starts a part with headers
                raise HttpError(400, "invalid multipart body")
            _, params = parse_options_header(value.get("content-disposition", ""))
            raw_name = params.get(b"name")
            if raw_name is None:
                raise HttpError(400, "invalid multipart body: a part without a name")
            name = raw_name.decode("utf-8", "replace")
            if len(raw_name) > options.field_name_size:
                raise HttpError(413, f"request field name too large: multipart.field_name_size is "
                                     f"{options.shown['field_name_size']}")
            raw_filename = params.get(b"filename*") or params.get(b"filename")
            if raw_filename is None:
                fields += 1
                if fields > options.fields:
                    raise HttpError(413, f"request has too many fields: multipart.fields is {options.shown['fields']}")
                data = bytearray()
                while True:
                    kind, chunk = await self._event()
                    if kind != "data":
                        break
                    data += chunk
                    if len(data) > options.field_size:
                        raise HttpError(413, f"request field too large: multipart.field_size is "
                                             f"{options.shown['field_size']} ({name})")
                yield Field(name, data.decode("utf-8", "replace"))
                continue
            files += 1
            if files > options.files:
                raise HttpError(413, f"request has too many files: multipart.files is {options.shown['files']}")
            filename = raw_filename.decode("utf-8", "replace")
            if filename.lower().startswith("utf-8''"):
                from urllib.parse import unquote

                filename = unquote(filename[7:])
            filename = filename.replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
            self._check_file(filename)
            current = FileStream(self, name, filename, value.get("content-type", "application/octet-stream"), value)
            yield current
