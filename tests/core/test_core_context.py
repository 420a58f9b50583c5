"""Context: construction, delegation, throw/assert_, onerror."""
from __future__ import annotations

import pytest

from eggfast.errors import HttpError


# --- construction -----------------------------------------------------------------

def test_construction_links_everything(app, make_ctx):
    ctx = make_ctx("GET", "/x")
    assert isinstance(ctx, app.context_twin.context.Context) and isinstance(ctx, app.context_class)
    core = app.context_twin
    assert isinstance(ctx.request, core.request.Request) and isinstance(ctx.response, core.response.Response)
    assert ctx.app is app and ctx.request.app is app and ctx.response.app is app
    assert ctx.request.ctx is ctx and ctx.response.ctx is ctx
    assert ctx.request.response is ctx.response and ctx.response.request is ctx.request
    assert ctx.req is ctx.raw is ctx.request.raw
    assert ctx.state == {} and ctx.params == {}
    assert ctx.respond is True
    assert ctx.router_name is None and ctx.router_path is None
    assert ctx.logger is app.logger
    assert ctx.original_url == "/x"


def test_state_is_per_context(make_ctx):
    a, b = make_ctx(), make_ctx()
    a.state["user"] = 1
    assert b.state == {}


def test_classes_can_be_extended(app, make_ctx):
    class ExtraRequest(app.request_class):
        @property
        def is_ajax(self):
            return self.get("x-requested-with") == "XMLHttpRequest"

    app.request_class = ExtraRequest
    app.context_class.greet = lambda self: f"hi {self.path}"
    ctx = make_ctx("GET", "/p", headers={"x-requested-with": "XMLHttpRequest"})
    assert ctx.request.is_ajax is True
    assert ctx.greet() == "hi /p"
    ctx.custom = "attributes are allowed"


# --- delegation ---------------------------------------------------------------------

def test_response_delegates(make_ctx):
    ctx = make_ctx()
    ctx.type = "json"
    assert ctx.response.type == "application/json"
    ctx.body = "x"
    assert ctx.response.body == "x" and ctx.body == "x"
    ctx.status = 202
    assert ctx.response.status == 202
    ctx.message = "ok!"
    assert ctx.response.message == "ok!"
    ctx.length = 3
    assert ctx.response.length == 3
    ctx.etag = "v1"
    assert ctx.response.etag == '"v1"'
    ctx.set("A", "1")
    ctx.append("A", "2")
    assert ctx.response.get("A") == ["1", "2"]
    assert ctx.has("a")
    ctx.remove("A")
    assert not ctx.response.has("A")
    assert ctx.header_sent is False and ctx.writable is True


def test_request_delegates(make_ctx):
    ctx = make_ctx("POST", "/p?a=1", headers={"host": "sub.example.com:81", "content-type": "text/plain", "content-length": "1"})
    r = ctx.request
    for name in ("method", "url", "path", "query", "queries", "querystring", "search", "host", "hostname",
                 "protocol", "secure", "ip", "ips", "origin", "href", "subdomains", "idempotent",
                 "headers", "header", "fresh", "stale"):
        assert getattr(ctx, name) == getattr(r, name), name
    assert ctx.get("content-type") == "text/plain"
    assert ctx.is_("text") == "text"
    assert ctx.accepts("json") == "json"


def test_headers_delegate_to_the_request(make_ctx):
    ctx = make_ctx("GET", "/", headers={"x-in": "1"})
    ctx.set("X-Out", "2")
    assert ctx.headers["x-in"] == "1"
    assert "x-out" not in ctx.headers


def test_fresh_and_stale_via_context(make_ctx):
    ctx = make_ctx("GET", "/", headers={"if-none-match": '"123"'})
    ctx.status = 200
    ctx.etag = "123"
    assert ctx.fresh is True and ctx.stale is False
    ctx.status = 404
    assert ctx.fresh is False
    post = make_ctx("POST", "/", headers={"if-none-match": '"123"'})
    post.status = 200
    post.etag = "123"
    assert post.fresh is False
    cached = make_ctx("GET", "/", headers={"if-none-match": '"123"', "cache-control": "no-cache"})
    cached.status = 304
    cached.etag = "123"
    assert cached.fresh is False


# --- throw / assert_ -------------------------------------------------------------------

def test_throw_status_and_message(make_ctx):
    ctx = make_ctx()
    with pytest.raises(HttpError) as info:
        ctx.throw(400, "bad")
    err = info.value
    assert err.status == 400 and err.message == "bad" and err.expose is True


def test_throw_message_only_is_500(make_ctx):
    with pytest.raises(HttpError) as info:
        make_ctx().throw("oops")
    assert info.value.status == 500 and info.value.expose is False and info.value.message == "oops"


def test_throw_defaults_and_props(make_ctx):
    with pytest.raises(HttpError) as info:
        make_ctx().throw(404)
    assert info.value.message == "Not Found"
    with pytest.raises(HttpError) as info:
        make_ctx().throw(401, "login", user="tj", headers={"WWW-Authenticate": "Basic"})
    assert info.value.user == "tj" and info.value.headers == {"WWW-Authenticate": "Basic"}
    with pytest.raises(HttpError) as info:
        make_ctx().throw("msg", 403, {"code": "E1"})
    assert (info.value.status, info.value.message, info.value.code) == (403, "msg", "E1")
    with pytest.raises(HttpError) as info:
        make_ctx().throw()
    assert info.value.status == 500


def test_throw_decorates_an_exception(make_ctx):
    original = ValueError("nope")
    with pytest.raises(ValueError) as info:
        make_ctx().throw(original, 422)
    assert info.value is original
    assert original.status == 422 and original.expose is True


def test_assert(make_ctx):
    ctx = make_ctx()
    ctx.assert_(True, 401, "fine")
    with pytest.raises(HttpError) as info:
        ctx.assert_(False, 401, "login first")
    assert (info.value.status, info.value.message) == (401, "login first")
    with pytest.raises(HttpError) as info:
        ctx.assert_(0, 400)
    assert info.value.message == "Bad Request"
    with pytest.raises(HttpError):
        ctx.assert_.equal(1, 2, 400)
    ctx.assert_.equal(1, 1.0, 400)
    with pytest.raises(HttpError):
        ctx.assert_.strict_equal(1, 1.0, 400)
    ctx.assert_.deep_equal({"a": [1]}, {"a": [1]}, 400)
    with pytest.raises(HttpError):
        ctx.assert_.not_equal("a", "a", 409)


# --- onerror ------------------------------------------------------------------------

def test_onerror_client_error_exposed(app, make_ctx):
    ctx = make_ctx()
    err = HttpError(400, "bad")
    ctx.onerror(err)
    s = ctx.response.stream
    assert (s.status, s.body) == (400, b"bad")
    assert s.header("Content-Type") == "text/plain; charset=utf-8"
    assert s.header("Content-Length") == "3"
    assert app.errors == [(err, ctx)]


def test_onerror_server_error_hidden(make_ctx):
    ctx = make_ctx()
    ctx.onerror(HttpError(500, "secret"))
    s = ctx.response.stream
    assert (s.status, s.body) == (500, b"Internal Server Error")


def test_onerror_plain_exception_is_500(make_ctx):
    ctx = make_ctx()
    err = RuntimeError("db password is hunter2")
    ctx.onerror(err)
    s = ctx.response.stream
    assert (s.status, s.body) == (500, b"Internal Server Error")
    assert err.status == 500


def test_onerror_removes_previous_headers_and_sets_err_headers(make_ctx):
    ctx = make_ctx()
    ctx.set("X-Before", "1")
    ctx.body = {"a": 1}
    ctx.onerror(HttpError(401, "login", headers={"WWW-Authenticate": "Basic"}))
    s = ctx.response.stream
    assert s.header("X-Before") is None
    assert s.header("WWW-Authenticate") == "Basic"
    assert s.header("Content-Type") == "text/plain; charset=utf-8"
    assert (s.status, s.body) == (401, b"login")


def test_onerror_status_code_attribute_and_invalid_status(make_ctx):
    class Teapot(Exception):
        status_code = 418
        expose = True

    ctx = make_ctx()
    ctx.onerror(Teapot("short and stout"))
    assert (ctx.response.stream.status, ctx.response.stream.body) == (418, b"short and stout")

    class Weird(Exception):
        status = 999

    ctx = make_ctx()
    ctx.onerror(Weird("x"))
    assert ctx.response.stream.status == 500


def test_onerror_file_not_found_is_404(make_ctx):
    ctx = make_ctx()
    ctx.onerror(FileNotFoundError(2, "No such file"))
    assert (ctx.response.stream.status, ctx.response.stream.body) == (404, b"Not Found")


def test_onerror_non_exception_is_wrapped(app, make_ctx):
    ctx = make_ctx()
    ctx.onerror({"code": 1})
    err, where = app.errors[0]
    assert isinstance(err, Exception)
    assert str(err) == 'non-error thrown: {"code":1}'
    assert where is ctx
    assert ctx.response.stream.status == 500


def test_onerror_none_is_ignored(app, make_ctx):
    ctx = make_ctx()
    ctx.onerror(None)
    assert app.errors == [] and ctx.response.stream.calls == []


def test_onerror_head_has_no_body(make_ctx):
    ctx = make_ctx("HEAD", "/")
    ctx.onerror(HttpError(400, "bad"))
    s = ctx.response.stream
    assert s.status == 400 and s.body == b"" and s.header("Content-Length") == "3"


def test_onerror_after_headers_sent(app, make_ctx):
    ctx = make_ctx()
    ctx.response.stream.start(200, "OK", [])
    err = RuntimeError("mid-stream")
    ctx.onerror(err)
    assert err.header_sent is True
    assert app.errors == [(err, ctx)]
    assert ctx.response.stream.calls == ["start", "abort"]


def test_onerror_when_not_writable(app, make_ctx, stream_cls):
    ctx = make_ctx(stream=stream_cls(writable=False))
    err = RuntimeError("client gone")
    ctx.onerror(err)
    assert err.header_sent is True
    assert ctx.response.stream.calls == []
    assert app.errors == [(err, ctx)]


def test_onerror_with_unsendable_error_headers(make_ctx):
    ctx = make_ctx()
    ctx.onerror(HttpError(400, "bad", headers={"X-Evil": "a\r\nb"}))
    s = ctx.response.stream
    assert (s.status, s.body) == (400, b"bad")
    assert s.header("X-Evil") is None
