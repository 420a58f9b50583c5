"""Request: url parts, query, headers, host/protocol/ip with proxy settings, negotiation."""
from __future__ import annotations

import pytest


# --- url, path, querystring ---------------------------------------------------

def test_url_path_querystring_search(make_ctx):
    ctx = make_ctx("GET", "/store/shoes?page=2&color=blue")
    req = ctx.request
    assert req.url == "/store/shoes?page=2&color=blue"
    assert req.path == "/store/shoes"
    assert req.querystring == "page=2&color=blue"
    assert req.search == "?page=2&color=blue"
    assert ctx.original_url == req.original_url == "/store/shoes?page=2&color=blue"


def test_no_query(make_ctx):
    req = make_ctx("GET", "/a").request
    assert req.querystring == ""
    assert req.search == ""
    assert req.query == {}
    assert req.queries == {}


def test_path_setter_keeps_query_and_original_url(make_ctx):
    ctx = make_ctx("GET", "/login?next=/foo")
    ctx.path = "/logout"
    assert ctx.url == "/logout?next=/foo"
    assert ctx.path == "/logout"
    assert ctx.original_url == "/login?next=/foo"
    assert ctx.req.target == "/logout?next=/foo"


def test_querystring_setter_rewrites_url(make_ctx):
    ctx = make_ctx("GET", "/store/shoes")
    ctx.querystring = "page=2&color=blue"
    assert ctx.url == "/store/shoes?page=2&color=blue"
    assert ctx.query == {"page": "2", "color": "blue"}
    ctx.querystring = ""
    assert ctx.url == "/store/shoes"
    ctx.search = "?x=1"
    assert ctx.url == "/store/shoes?x=1"
    assert ctx.search == "?x=1"


def test_query_setter_stringifies(make_ctx):
    ctx = make_ctx("GET", "/p")
    ctx.query = {"a": "1 2", "b": ["x", "y"]}
    assert ctx.querystring == "a=1%202&b=x&b=y"
    assert ctx.queries == {"a": ["1 2"], "b": ["x", "y"]}


def test_url_setter_refreshes_parsed_parts(make_ctx):
    ctx = make_ctx("GET", "/a?x=1")
    assert ctx.query == {"x": "1"}
    ctx.url = "/b?y=2"
    assert ctx.path == "/b"
    assert ctx.query == {"y": "2"}


def test_absolute_form_target(make_ctx):
    ctx = make_ctx("GET", "http://example.com/a/b?x=1")
    assert ctx.path == "/a/b"
    assert ctx.querystring == "x=1"
    assert ctx.href == "http://example.com/a/b?x=1"
    ctx.path = "/c"
    assert ctx.url == "http://example.com/c?x=1"


def test_method_setter(make_ctx):
    ctx = make_ctx("POST", "/")
    ctx.method = "PUT"
    assert ctx.method == "PUT" and ctx.req.method == "PUT"


# --- query / queries (Egg) -----------------------------------------------------

def test_query_first_value_queries_lists(make_ctx):
    ctx = make_ctx("GET", "/?a=1&a=2&b=3")
    assert ctx.query == {"a": "1", "b": "3"}
    assert ctx.queries == {"a": ["1", "2"], "b": ["3"]}


def test_query_skips_empty_keys_and_keeps_blank_values(make_ctx):
    ctx = make_ctx("GET", "/?a=b&=c&&d=&e")
    assert ctx.query == {"a": "b", "d": "", "e": ""}


def test_query_no_nesting_and_array_alias_in_queries(make_ctx):
    ctx = make_ctx("GET", "/?a=b&a=c&o[foo]=bar&b[]=1&b[]=2&e=val")
    assert ctx.query == {"a": "b", "o[foo]": "bar", "b[]": "1", "e": "val"}
    assert ctx.queries["b[]"] == ["1", "2"]
    assert ctx.queries["b"] == ["1", "2"]
    assert "b" not in ctx.query


def test_query_decoding(make_ctx):
    ctx = make_ctx("GET", "/?name=%E4%BD%A0%E5%A5%BD&q=a+b&bad=%zz")
    assert ctx.query == {"name": "你好", "q": "a b", "bad": "%zz"}


def test_query_is_cached_per_querystring(make_ctx):
    ctx = make_ctx("GET", "/?a=1")
    assert ctx.query is ctx.query
    ctx.query["extra"] = "kept"  # Egg lets handlers annotate the cached object
    assert ctx.query["extra"] == "kept"


# --- headers -------------------------------------------------------------------

def test_headers_and_get(make_ctx):
    ctx = make_ctx("GET", "/", headers={"X-Custom": "v", "Referer": "http://a.com/x"})
    assert ctx.headers["x-custom"] == "v"
    assert ctx.header is ctx.request.headers
    assert ctx.get("X-CUSTOM") == "v"
    assert ctx.get("missing") == ""
    assert ctx.get("Referrer") == "http://a.com/x"
    assert ctx.get("referer") == "http://a.com/x"


# --- host, hostname, protocol, origin, href ------------------------------------

def test_host_and_hostname(make_ctx):
    ctx = make_ctx("GET", "/", headers={"host": "foo.com:3000"})
    assert ctx.host == "foo.com:3000"
    assert ctx.hostname == "foo.com"


def test_ipv6_hostname(make_ctx):
    ctx = make_ctx("GET", "/", headers={"host": "[::1]:80"})
    assert ctx.host == "[::1]:80"
    assert ctx.hostname == "::1"


def test_missing_host(make_ctx):
    ctx = make_ctx("GET", "/")
    del ctx.req.headers["host"]
    assert ctx.host == ""
    assert ctx.hostname == ""


def test_x_forwarded_host_ignored_even_with_proxy(make_ctx):
    headers = {"host": "inner.com", "x-forwarded-host": "outer.com"}
    assert make_ctx("GET", "/", headers=headers).host == "inner.com"
    assert make_ctx("GET", "/", headers=headers, config={"proxy": True}).host == "inner.com"


def test_host_headers_config(make_ctx):
    headers = {"host": "inner.com", "x-forwarded-host": "outer.com, proxy.com"}
    ctx = make_ctx("GET", "/", headers=headers, config={"proxy": True, "host_headers": "x-forwarded-host"})
    assert ctx.host == "outer.com"
    # without proxy the configured header is not trusted
    ctx = make_ctx("GET", "/", headers=headers, config={"host_headers": "x-forwarded-host"})
    assert ctx.host == "inner.com"


def test_protocol(make_ctx):
    assert make_ctx("GET", "/").protocol == "http"
    assert make_ctx("GET", "/", tls=True).protocol == "https"
    assert make_ctx("GET", "/", tls=True).secure is True
    fwd = {"x-forwarded-proto": "https, http"}
    assert make_ctx("GET", "/", headers=fwd).protocol == "http"
    ctx = make_ctx("GET", "/", headers=fwd, config={"proxy": True})
    assert ctx.protocol == "https" and ctx.secure is True
    assert make_ctx("GET", "/", config={"protocol": "https"}).protocol == "https"
    custom = make_ctx("GET", "/", headers={"x-proto": "https"},
                      config={"proxy": True, "protocol_headers": "x-missing, x-proto"})
    assert custom.protocol == "https"


def test_origin_and_href(make_ctx):
    ctx = make_ctx("GET", "/users/1?next=/dashboard", headers={"host": "localhost"})
    assert ctx.origin == "http://localhost"
    assert ctx.href == "http://localhost/users/1?next=/dashboard"
    ctx.url = "/changed"
    assert ctx.href == "http://localhost/users/1?next=/dashboard"  # from original_url
    assert ctx.URL.hostname == "localhost" and ctx.URL.path == "/users/1" and ctx.URL.query == "next=/dashboard"


def test_subdomains(make_ctx):
    assert make_ctx("GET", "/", headers={"host": "tobi.ferrets.example.com"}).subdomains == ["ferrets", "tobi"]
    assert make_ctx("GET", "/", headers={"host": "example.com"}).subdomains == []
    assert make_ctx("GET", "/", headers={"host": "127.0.0.1:3000"}).subdomains == []
    ctx = make_ctx("GET", "/", headers={"host": "tobi.ferrets.example.com"}, config={"subdomain_offset": 3})
    assert ctx.subdomains == ["tobi"]


# --- ips / ip -------------------------------------------------------------------

def test_ip_without_proxy_ignores_forwarded_for(make_ctx):
    ctx = make_ctx("GET", "/", headers={"x-forwarded-for": "1.1.1.1"}, peer=("10.0.0.9", 1))
    assert ctx.ips == []
    assert ctx.ip == "10.0.0.9"


def test_ips_with_proxy(make_ctx):
    ctx = make_ctx("GET", "/", headers={"x-forwarded-for": "a, b, c"}, config={"proxy": True})
    assert ctx.ips == ["a", "b", "c"]
    assert ctx.ip == "a"


def test_max_ips_count(make_ctx):
    ctx = make_ctx("GET", "/", headers={"x-forwarded-for": "a, b, c"}, config={"proxy": True, "max_ips_count": 2})
    assert ctx.ips == ["b", "c"]
    assert ctx.ip == "b"


def test_custom_ip_headers(make_ctx):
    ctx = make_ctx("GET", "/", headers={"x-real-ip": "9.9.9.9"},
                   config={"proxy": True, "ip_headers": "x-missing, x-real-ip"})
    assert ctx.ips == ["9.9.9.9"]


def test_ipv4_mapped_peer_is_stripped(make_ctx):
    assert make_ctx("GET", "/", peer=("::ffff:127.0.0.1", 1)).ip == "127.0.0.1"
    assert make_ctx("GET", "/", peer=("::1", 1)).ip == "::1"
    assert make_ctx("GET", "/", peer=None).ip == ""


def test_ip_setter(make_ctx):
    ctx = make_ctx("GET", "/")
    ctx.ip = "8.8.8.8"
    assert ctx.ip == "8.8.8.8" and ctx.request.ip == "8.8.8.8"


# --- misc getters -----------------------------------------------------------------

@pytest.mark.parametrize("method,expected", [
    ("GET", True), ("HEAD", True), ("PUT", True), ("DELETE", True), ("OPTIONS", True), ("TRACE", True),
    ("POST", False), ("PATCH", False),
])
def test_idempotent(make_ctx, method, expected):
    assert make_ctx(method, "/").idempotent is expected


def test_type_charset_length(make_ctx):
    ctx = make_ctx("POST", "/", headers={"content-type": "text/html; charset=ISO-8859-1", "content-length": "12"})
    assert ctx.request.type == "text/html"
    assert ctx.request.charset == "ISO-8859-1"
    assert ctx.request.length == 12
    bare = make_ctx("GET", "/")
    assert bare.request.type == "" and bare.request.charset == "" and bare.request.length is None


def test_body_placeholder(make_ctx):
    ctx = make_ctx("POST", "/")
    assert ctx.request.body is None and ctx.request.raw_body is None
    ctx.request.body = {"a": 1}
    assert ctx.request.body == {"a": 1}
    assert make_ctx("POST", "/").request.body is None


async def test_read_and_iterate_body(make_ctx):
    ctx = make_ctx("POST", "/", body=b"hello", headers={"content-length": "5"})
    assert await ctx.request.read() == b"hello"
    ctx = make_ctx("POST", "/", body=b"hello")
    assert [chunk async for chunk in ctx.request] == [b"hello"]


# --- is_ ---------------------------------------------------------------------------

def test_is_without_body_is_none(make_ctx):
    ctx = make_ctx("GET", "/", headers={"content-type": "application/json"})
    assert ctx.is_("json") is None


def test_is_with_body(make_ctx):
    ctx = make_ctx("POST", "/", headers={"content-type": "application/json; charset=utf-8", "content-length": "2"})
    assert ctx.is_("json") == "json"
    assert ctx.is_("html") is False
    assert ctx.is_("html", "application/json") == "application/json"
    assert ctx.is_(["html", "json"]) == "json"
    assert ctx.is_("application/*") == "application/json"
    assert ctx.is_("+json") is False  # a suffix needs a "+": application/json has none
    assert ctx.is_() == "application/json"
    vnd = make_ctx("POST", "/", headers={"content-type": "application/vnd.api+json", "content-length": "2"})
    assert vnd.is_("+json") == "application/vnd.api+json"
    assert vnd.is_("json") is False


def test_is_urlencoded_multipart_text(make_ctx):
    form = make_ctx("POST", "/", headers={"content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked"})
    assert form.is_("urlencoded") == "urlencoded"
    multi = make_ctx("POST", "/", headers={"content-type": "multipart/form-data; boundary=x", "content-length": "10"})
    assert multi.is_("multipart") == "multipart"
    text = make_ctx("POST", "/", headers={"content-type": "text/plain", "content-length": "1"})
    assert text.is_("text/*") == "text/plain"
    none = make_ctx("POST", "/", headers={"content-length": "3"})
    assert none.is_("json") is False


# --- accepts ----------------------------------------------------------------------

def test_accepts(make_ctx):
    ctx = make_ctx("GET", "/", headers={"accept": "application/*;q=0.2, image/jpeg;q=0.8, text/html, text/plain"})
    assert ctx.accepts("html") == "html"
    assert ctx.accepts("text/html") == "text/html"
    assert ctx.accepts("json", "text") == "text"
    assert ctx.accepts("application/json") == "application/json"
    assert ctx.accepts("image/tiff") is False
    assert ctx.accepts("png") is False
    assert ctx.accepts(["png", "jpeg"]) == "jpeg"
    assert ctx.accepts() == ["text/html", "text/plain", "image/jpeg", "application/*"]


def test_accepts_without_header_takes_first(make_ctx):
    ctx = make_ctx("GET", "/")
    assert ctx.accepts("json", "html") == "json"
    assert ctx.accepts() == ["*/*"]


def test_accepts_q_zero_excludes(make_ctx):
    ctx = make_ctx("GET", "/", headers={"accept": "text/html;q=0, */*"})
    assert ctx.accepts("html") is False
    assert ctx.accepts("html", "json") == "json"


def test_accepts_encodings(make_ctx):
    ctx = make_ctx("GET", "/", headers={"accept-encoding": "gzip, compress;q=0.2"})
    assert ctx.accepts_encodings() == ["gzip", "compress", "identity"]
    assert ctx.accepts_encodings("compress", "gzip") == "gzip"
    assert ctx.accepts_encodings("br") is False
    plain = make_ctx("GET", "/")
    assert plain.accepts_encodings() == ["identity"]
    assert plain.accepts_encodings("gzip") is False
    assert plain.accepts_encodings("gzip", "identity") == "identity"


def test_accepts_charsets(make_ctx):
    ctx = make_ctx("GET", "/", headers={"accept-charset": "utf-8, iso-8859-1;q=0.2, utf-7;q=0.5"})
    assert ctx.accepts_charsets() == ["utf-8", "utf-7", "iso-8859-1"]
    assert ctx.accepts_charsets("utf-7", "utf-8") == "utf-8"
    assert ctx.accepts_charsets("utf-16") is False
    assert make_ctx("GET", "/").accepts_charsets("utf-16") == "utf-16"


def test_accepts_languages(make_ctx):
    ctx = make_ctx("GET", "/", headers={"accept-language": "en;q=0.8, es, pt"})
    assert ctx.accepts_languages() == ["es", "pt", "en"]
    assert ctx.accepts_languages("en", "es") == "es"
    assert ctx.accepts_languages(["en", "zh"]) == "en"
    assert ctx.accepts_languages("zh") is False
    assert make_ctx("GET", "/", headers={"accept-language": "en"}).accepts_languages("en-US") == "en-US"
