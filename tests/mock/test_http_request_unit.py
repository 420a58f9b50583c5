"""HttpRequest / TestResponse details that need no app: the wire parser of mock.cluster, query, headers."""
from __future__ import annotations

import pytest

from eggfast.mock import HttpRequest, TestResponse, _parse_response


def test_parse_chunked_and_plain_responses():
    raw = (b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n"
           b"set-cookie: a=1; path=/\r\nset-cookie: b=2\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
    res = _parse_response(raw, "GET")
    assert (res.status, res.body, res.header("Content-Type")) == (200, b"abcde", "text/plain")
    assert res.cookies == {"a": "1", "b": "2"} and res.header_values("set-cookie") == ["a=1; path=/", "b=2"]
    head = _parse_response(b"HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\n", "HEAD")
    assert (head.status, head.body) == (404, b"")


async def test_query_headers_and_expect_forms():
    sent = {}

    async def sender(method, url, headers, body):
        sent.update(method=method, url=url, headers=headers, body=body)
        return TestResponse(200, [("Content-Type", "application/json")], b'{"ok":true}')

    req = HttpRequest(sender).put("/x?a=1").query({"b": [2, 3]}).set({"X-A": "1"}).set("cookie", "c=1")
    res = await req.set("cookie", "d=2").send(b"raw").expect(200).expect({"ok": True}).expect(
        lambda r: r.json()["ok"])
    assert sent == {"method": "PUT", "url": "/x?a=1&b=2&b=3", "body": b"raw",
                    "headers": {"x-a": "1", "cookie": "c=1; d=2", "content-length": "3"}}
    assert res.json() == {"ok": True}
    with pytest.raises(AssertionError, match="returned False"):
        await HttpRequest(sender).get("/").expect(lambda r: False)
    with pytest.raises(TypeError):
        HttpRequest(sender).send(3)  # type: ignore[arg-type]
