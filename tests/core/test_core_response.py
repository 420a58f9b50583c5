"""Response: status, message, body setter by type, length, type, headers and helpers."""
from __future__ import annotations

import dataclasses
import io
from datetime import datetime, timezone

import pytest


async def agen():
    yield b"a"


# --- status / message -----------------------------------------------------------

def test_default_status_is_404(make_ctx):
    ctx = make_ctx()
    assert ctx.status == 404
    assert ctx.message == "Not Found"
    assert ctx.body is None


def test_status_setter_sets_message(make_ctx):
    ctx = make_ctx()
    ctx.status = 201
    assert ctx.status == 201 and ctx.message == "Created"
    ctx.message = "Made it"
    assert ctx.message == "Made it"
    ctx.status = 202
    assert ctx.message == "Accepted"


def test_unknown_status_has_empty_message(make_ctx):
    ctx = make_ctx()
    ctx.status = 299
    assert ctx.status == 299 and ctx.message == ""


@pytest.mark.parametrize("bad,exc", [(1000, ValueError), (99, ValueError), ("200", TypeError), (200.0, TypeError), (True, TypeError)])
def test_invalid_status_raises(make_ctx, bad, exc):
    ctx = make_ctx()
    with pytest.raises(exc):
        ctx.status = bad
    assert ctx.status == 404


def test_empty_status_nulls_body(make_ctx):
    ctx = make_ctx()
    ctx.body = "hello"
    ctx.status = 304
    assert ctx.body is None
    assert not ctx.response.has("Content-Type")
    assert not ctx.response.has("Content-Length")
    assert ctx.status == 304


def test_status_is_noop_after_headers_sent(make_ctx):
    ctx = make_ctx()
    ctx.response.stream.headers_sent = True
    ctx.status = 500
    ctx.set("X-A", "1")
    assert ctx.status == 404 and not ctx.response.has("X-A")


# --- body setter -----------------------------------------------------------------

def test_string_body_text(make_ctx):
    ctx = make_ctx()
    ctx.body = "hello"
    assert ctx.status == 200
    assert ctx.response.get("Content-Type") == "text/plain; charset=utf-8"
    assert ctx.type == "text/plain"
    assert ctx.length == 5


def test_string_body_html_sniffing(make_ctx):
    ctx = make_ctx()
    ctx.body = "  \n<p>x"
    assert ctx.response.get("Content-Type") == "text/html; charset=utf-8"


def test_string_length_is_utf8_bytes(make_ctx):
    ctx = make_ctx()
    ctx.body = "你好"
    assert ctx.response.get("Content-Length") == "6"
    assert ctx.length == 6


def test_existing_type_is_kept_for_strings(make_ctx):
    ctx = make_ctx()
    ctx.type = "xml"
    ctx.body = "<a/>"
    assert ctx.type == "application/xml"


def test_bytes_body(make_ctx):
    ctx = make_ctx()
    ctx.body = b"\x00\x01\x02"
    assert ctx.type == "application/octet-stream"
    assert ctx.length == 3
    ctx = make_ctx()
    ctx.body = memoryview(b"abcd")
    assert ctx.length == 4
    ctx = make_ctx()
    ctx.body = bytearray(b"ab")
    assert ctx.length == 2


@pytest.mark.parametrize("value", [{"a": 1}, [1, 2], 0, True, 1.5])
def test_json_bodies(make_ctx, value):
    ctx = make_ctx()
    ctx.type = "text"
    ctx.body = value
    assert ctx.response.get("Content-Type") == "application/json; charset=utf-8"
    assert ctx.status == 200


def test_dataclass_body_is_json(make_ctx):
    @dataclasses.dataclass
    class User:
        name: str
        age: int

    ctx = make_ctx()
    ctx.body = User("a", 3)
    assert ctx.type == "application/json"
    assert ctx.length == len(b'{"name":"a","age":3}')


def test_json_replaces_content_length(make_ctx):
    ctx = make_ctx()
    ctx.body = "some string"
    ctx.body = {"a": 1}
    assert not ctx.response.has("Content-Length")
    assert ctx.length == len(b'{"a":1}')


def test_stream_bodies(make_ctx):
    ctx = make_ctx()
    ctx.body = agen()
    assert ctx.type == "application/octet-stream"
    assert ctx.length is None
    ctx = make_ctx()
    ctx.body = io.BytesIO(b"file")
    assert ctx.type == "application/octet-stream"
    assert ctx.status == 200


def test_stream_keeps_preset_length_but_replacing_a_body_drops_it(make_ctx):
    ctx = make_ctx()
    ctx.length = 4
    ctx.body = io.BytesIO(b"file")
    assert ctx.length == 4
    ctx = make_ctx()
    ctx.body = "abc"
    ctx.body = io.BytesIO(b"file")
    assert not ctx.response.has("Content-Length")


def test_none_body_is_204_and_strips_headers(make_ctx):
    ctx = make_ctx()
    ctx.body = "x"
    ctx.set("Transfer-Encoding", "chunked")
    ctx.body = None
    assert ctx.status == 204
    for name in ("Content-Type", "Content-Length", "Transfer-Encoding"):
        assert not ctx.response.has(name)


def test_none_body_keeps_other_empty_status(make_ctx):
    ctx = make_ctx()
    ctx.status = 304
    ctx.body = None
    assert ctx.status == 304


def test_explicit_status_is_kept_by_body(make_ctx):
    ctx = make_ctx()
    ctx.status = 404
    ctx.body = "x"
    assert ctx.status == 404
    ctx = make_ctx()
    ctx.status = 201
    ctx.body = {"id": 1}
    assert ctx.status == 201


# --- length / type ----------------------------------------------------------------

def test_length_setter_and_transfer_encoding(make_ctx):
    ctx = make_ctx()
    ctx.length = 10
    assert ctx.response.get("Content-Length") == "10"
    assert ctx.length == 10
    ctx = make_ctx()
    ctx.set("Transfer-Encoding", "chunked")
    ctx.length = 10
    assert not ctx.response.has("Content-Length")
    assert make_ctx().length is None


@pytest.mark.parametrize("given,header", [
    ("json", "application/json; charset=utf-8"),
    ("html", "text/html; charset=utf-8"),
    ("text", "text/plain; charset=utf-8"),
    (".png", "image/png"),
    ("png", "image/png"),
    ("file.json", "application/json; charset=utf-8"),
    ("text/plain", "text/plain; charset=utf-8"),
    ("image/svg+xml", "image/svg+xml"),
    ("application/json; charset=gbk", "application/json; charset=gbk"),
    ("bin", "application/octet-stream"),
])
def test_type_setter(make_ctx, given, header):
    ctx = make_ctx()
    ctx.type = given
    assert ctx.response.get("Content-Type") == header
    assert ctx.type == header.split(";")[0]


def test_unknown_type_removes_header(make_ctx):
    ctx = make_ctx()
    ctx.type = "json"
    ctx.type = "nosuchtype"
    assert not ctx.response.has("Content-Type")
    assert ctx.type == ""


def test_response_is(make_ctx):
    ctx = make_ctx()
    assert ctx.response.is_("json") is False
    ctx.type = "json"
    assert ctx.response.is_("json") == "json"
    assert ctx.response.is_("html") is False
    assert ctx.response.is_() == "application/json"


# --- headers ----------------------------------------------------------------------

def test_set_get_has_remove(make_ctx):
    ctx = make_ctx()
    ctx.set("X-Foo", 5)
    assert ctx.response.get("x-foo") == "5"
    assert ctx.has("X-FOO")
    assert ctx.response.headers == {"x-foo": "5"}
    ctx.remove("x-Foo")
    assert not ctx.has("X-Foo")
    assert ctx.response.get("X-Foo") == ""


def test_set_dict_and_list(make_ctx):
    ctx = make_ctx()
    ctx.set({"X-A": "1", "X-B": [1, "2"]})
    assert ctx.response.headers == {"x-a": "1", "x-b": ["1", "2"]}
    assert ctx.response.header_list() == [("X-A", "1"), ("X-B", "1"), ("X-B", "2")]


def test_append(make_ctx):
    ctx = make_ctx()
    ctx.append("Set-Cookie", "a=1")
    assert ctx.response.get("Set-Cookie") == "a=1"
    ctx.append("Set-Cookie", "b=2")
    ctx.append("set-cookie", ["c=3", "d=4"])
    assert ctx.response.get("Set-Cookie") == ["a=1", "b=2", "c=3", "d=4"]
    assert [v for n, v in ctx.response.header_list()] == ["a=1", "b=2", "c=3", "d=4"]


def test_set_replaces_case_insensitively_keeping_new_case(make_ctx):
    ctx = make_ctx()
    ctx.set("x-thing", "a")
    ctx.set("X-Thing", "b")
    assert ctx.response.header_list() == [("X-Thing", "b")]


def test_vary(make_ctx):
    ctx = make_ctx()
    ctx.vary("Accept")
    ctx.vary("accept")
    ctx.vary("Origin, Accept-Encoding")
    assert ctx.response.get("Vary") == "Accept, Origin, Accept-Encoding"
    ctx.vary("*")
    assert ctx.response.get("Vary") == "*"
    ctx.vary("User-Agent")
    assert ctx.response.get("Vary") == "*"


# --- redirect ---------------------------------------------------------------------

def test_redirect_html_when_no_accept(make_ctx):
    ctx = make_ctx()
    ctx.redirect("http://google.com")
    assert ctx.response.get("Location") == "http://google.com"
    assert ctx.status == 302
    assert ctx.type == "text/html"
    assert ctx.body == 'Redirecting to <a href="http://google.com">http://google.com</a>.'


def test_redirect_text_and_escaping(make_ctx):
    ctx = make_ctx("GET", "/", headers={"accept": "text/plain"})
    ctx.redirect("/a b?x=<y>")
    assert ctx.response.get("Location") == "/a%20b?x=%3Cy%3E"
    assert ctx.type == "text/plain"
    assert ctx.body == "Redirecting to /a b?x=<y>."
    ctx = make_ctx("GET", "/", headers={"accept": "text/html"})
    ctx.redirect('/"<script>')
    assert ctx.body == 'Redirecting to <a href="/&quot;&lt;script&gt;">/&quot;&lt;script&gt;</a>.'
    assert ctx.response.get("Location") == "/%22%3Cscript%3E"


def test_redirect_keeps_existing_3xx(make_ctx):
    ctx = make_ctx()
    ctx.status = 301
    ctx.redirect("/new")
    assert ctx.status == 301
    ctx = make_ctx()
    ctx.status = 200
    ctx.redirect("/new")
    assert ctx.status == 302


def test_redirect_back(make_ctx):
    ctx = make_ctx("GET", "/", headers={"referer": "/login"})
    ctx.redirect("back")
    assert ctx.response.get("Location") == "/login"
    ctx = make_ctx("GET", "/", headers={"referrer": "/other"})
    ctx.redirect("back", "/index.html")
    assert ctx.response.get("Location") == "/other"
    ctx = make_ctx()
    ctx.redirect("back", "/index.html")
    assert ctx.response.get("Location") == "/index.html"
    ctx = make_ctx()
    ctx.redirect("back")
    assert ctx.response.get("Location") == "/"


def test_redirect_keeps_valid_escapes(make_ctx):
    ctx = make_ctx()
    ctx.redirect("/caf%C3%A9/ü?q=100%")
    assert ctx.response.get("Location") == "/caf%C3%A9/%C3%BC?q=100%25"


# --- attachment / etag / last_modified -----------------------------------------------

def test_attachment(make_ctx):
    ctx = make_ctx()
    ctx.attachment()
    assert ctx.response.get("Content-Disposition") == "attachment"
    ctx = make_ctx()
    ctx.attachment("path/to/tobi.png")
    assert ctx.type == "image/png"
    assert ctx.response.get("Content-Disposition") == 'attachment; filename="tobi.png"'


def test_attachment_unicode_name(make_ctx):
    ctx = make_ctx()
    ctx.attachment("/path/to/中文.txt")
    assert ctx.response.get("Content-Type") == "text/plain; charset=utf-8"
    assert ctx.response.get("Content-Disposition") == (
        "attachment; filename=\"??.txt\"; filename*=UTF-8''%E4%B8%AD%E6%96%87.txt"
    )


def test_attachment_inline_type(make_ctx):
    ctx = make_ctx()
    ctx.attachment("a.pdf", type="inline")
    assert ctx.response.get("Content-Disposition") == 'inline; filename="a.pdf"'


@pytest.mark.parametrize("given,header", [
    ("abc", '"abc"'), ('"abc"', '"abc"'), ('W/"abc"', 'W/"abc"'), ("W/abc", '"W/abc"'),
])
def test_etag(make_ctx, given, header):
    ctx = make_ctx()
    ctx.etag = given
    assert ctx.response.get("ETag") == header
    assert ctx.etag == header


def test_last_modified(make_ctx):
    ctx = make_ctx()
    assert ctx.last_modified is None
    when = datetime(2000, 1, 1, 12, 30, 5, tzinfo=timezone.utc)
    ctx.last_modified = when
    assert ctx.response.get("Last-Modified") == "Sat, 01 Jan 2000 12:30:05 GMT"
    assert ctx.last_modified == when
    ctx.last_modified = "Sat, 01 Jan 2000 12:30:05 GMT"
    assert ctx.response.get("Last-Modified") == "Sat, 01 Jan 2000 12:30:05 GMT"
    ctx.last_modified = datetime(2000, 1, 1, 12, 30, 5)  # naive: taken as UTC
    assert ctx.response.get("Last-Modified") == "Sat, 01 Jan 2000 12:30:05 GMT"


def test_header_sent_and_writable(make_ctx):
    ctx = make_ctx()
    assert ctx.header_sent is False
    assert ctx.writable is True
    ctx.response.stream.send(200, "OK", [], b"")
    assert ctx.header_sent is True
    assert ctx.writable is False


def test_to_json(make_ctx):
    ctx = make_ctx("GET", "/x", headers={"host": "h"})
    ctx.body = "hi"
    data = ctx.to_json()
    assert data["request"] == {"method": "GET", "url": "/x", "header": {"host": "h"}}
    assert data["response"]["status"] == 200
    assert data["response"]["header"]["content-length"] == "2"
    assert data["original_url"] == "/x"
