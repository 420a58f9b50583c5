"""File mode: every part of a request read up front, files written to temp files removed after the request."""
from __future__ import annotations

import os
import secrets
from typing import Any

from eggfast.plugins.multipart.parser import Field, MultipartOptions, MultipartReader

__all__ = ["read_to_files", "cleanup_files"]


async def read_to_files(ctx: Any, options: MultipartOptions) -> None:
    """Fill ``ctx.request.body`` (fields) and ``ctx.request.files``; on any error remove what was written."""
    files: list[dict[str, Any]] = []
    ctx.request.files = files
    fields: dict[str, Any] = {}
    os.makedirs(options.tmpdir, mode=0o700, exist_ok=True)
    reader = MultipartReader(ctx, options)
    try:
        async for part in reader.parts():
            if isinstance(part, Field):
                previous = fields.get(part.name)
                if previous is None:
                    fields[part.name] = part.value
                elif isinstance(previous, list):
                    previous.append(part.value)
                else:
                    fields[part.name] = [previous, part.value]
                continue
            ext = os.path.splitext(part.filename)[1].lower()
            path = os.path.join(options.tmpdir, secrets.token_hex(16) + ext)
            # the name is listed before a byte is written, so a failure below still removes it
            files.append({"field": part.fieldname, "filename": part.filename, "mime": part.mime,
                          "filepath": path, "size": 0})
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                async for chunk in part:
                    out.write(chunk)
            files[-1]["size"] = part.size
    except BaseException:
        cleanup_files(ctx)
        raise
    ctx.request.body = fields


def cleanup_files(ctx: Any) -> None:
    """Remove this request's temp files (missing ones are fine)."""
    for item in getattr(ctx.request, "files", None) or []:
        try:
            os.unlink(item["filepath"])
        except OSError:
            pass
