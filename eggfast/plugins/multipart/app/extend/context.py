"""``ctx.multipart()``, ``ctx.get_file_stream()`` and ``ctx.cleanup_request_files()`` (egg-multipart)."""
from typing import Any, AsyncIterator, Optional, Union

from eggfast.errors import HttpError
from eggfast.plugins.multipart.files import cleanup_files
from eggfast.plugins.multipart.parser import Field, FileStream, MultipartReader, is_multipart, multipart_options


class MultipartContext:
    def multipart(self, options: Optional[dict] = None) -> AsyncIterator[Union[Field, FileStream]]:
        """The parts of a multipart request in order (stream mode): ``async for part in ctx.multipart():``.

        A :class:`Field` has ``name`` and ``value``; a :class:`FileStream` is read with
        ``async for chunk in part`` or ``await part.read()`` (unread data is skipped).
        ``options`` override ``config.multipart`` limits for this call."""
        if not is_multipart(self):
            raise HttpError(400, "Content-Type must be multipart/form-data")
        return MultipartReader(self, multipart_options(self.app, options)).parts()

    async def get_file_stream(self, options: Optional[dict] = None) -> FileStream:
        """The first file of the request, with the fields before it in ``stream.fields``
        (a 400 when the request has no file)."""
        fields: dict[str, Any] = {}
        async for part in self.multipart(options):
            if isinstance(part, FileStream):
                part.fields = fields
                return part
            fields[part.name] = part.value
        raise HttpError(400, "the request has no file part")

    def cleanup_request_files(self) -> None:
        """Remove file mode's temp files now (they are removed after the request anyway)."""
        cleanup_files(self)
