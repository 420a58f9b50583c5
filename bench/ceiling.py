"""The practical ceiling: uvloop + httptools, no framework, a fixed response.

    python bench/ceiling.py [port]

Each endpoint of the e2e benchmark answers the same fixed bytes shape as
eggfast does (status line, Content-Type, Content-Length, body), so ratios
against it show what the framework costs.
"""
from __future__ import annotations

import asyncio
import sys

import httptools
import uvloop

BODIES = {
    b"/": (b"text/plain; charset=utf-8", b"Hello, World!"),
    b"/json": (b"application/json; charset=utf-8", b'{"message":"Hello, World!"}'),
}


def response(path: bytes) -> bytes:
    if path.startswith(b"/user/"):
        parts = path.split(b"/")
        ctype, body = b"application/json; charset=utf-8", b'{"id":"%s","pid":"%s"}' % (parts[2], parts[4])
    else:
        ctype, body = BODIES.get(path, (b"text/plain; charset=utf-8", b"Not Found"))
    return b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s" % (ctype, len(body), body)


class Ceiling(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.parser = httptools.HttpRequestParser(self)
        self.url = b""

    def data_received(self, data):
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.transport.close()

    def on_url(self, url):
        self.url = url

    def on_message_complete(self):
        self.transport.write(response(self.url))
        if not self.parser.should_keep_alive():
            self.transport.close()


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Ceiling, "127.0.0.1", port, backlog=2048)
    print(f"ceiling listening on 127.0.0.1:{port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    uvloop.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7001))
