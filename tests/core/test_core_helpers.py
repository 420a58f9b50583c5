"""The small helpers: mime lookup, negotiation, fresh, content-disposition, encode_url, vary."""
from __future__ import annotations

import pytest

from eggfast.http.content_disposition import content_disposition
from eggfast.http.encodeurl import encode_url
from eggfast.http.fresh import fresh
from eggfast.http.mime import content_type, extname, lookup
from eggfast.http.negotiation import (
    accepts_types,
    preferred_charsets,
    preferred_encodings,
    preferred_languages,
    preferred_media_types,
    type_is,
)
from eggfast.http.vary import append_vary

# --- mime -----------------------------------------------------------------------


@pytest.mark.parametrize("name,expected", [
    ("json", "application/json"), (".json", "application/json"), ("a/b/file.JSON", "application/json"),
    ("html", "text/html"), ("png", "image/png"), ("js", "application/javascript"),
    ("nope", None), ("", None),
])
def test_lookup(name, expected):
    assert lookup(name) == expected


@pytest.mark.parametrize("name,expected", [
    ("json", "application/json; charset=utf-8"),
    ("text/html", "text/html; charset=utf-8"),
    ("text/html; charset=latin1", "text/html; charset=latin1"),
    ("image/png", "image/png"),
    ("css", "text/css; charset=utf-8"),
    ("unknown-ext", None),
])
def test_content_type(name, expected):
    assert content_type(name) == expected


@pytest.mark.parametrize("path,ext", [("a.txt", ".txt"), ("a.tar.gz", ".gz"), (".bashrc", ""), ("dir.d/file", ""), ("noext", "")])
def test_extname(path, ext):
    assert extname(path) == ext


# --- negotiation ----------------------------------------------------------------

def test_media_types_ranking():
    header = "text/*;q=0.5, text/html, */*;q=0.1, text/html;level=1;q=0.9"
    assert preferred_media_types(header) == ["text/html", "text/html", "text/*", "*/*"]
    assert preferred_media_types(header, ["image/png", "text/plain", "text/html"]) == ["text/html", "text/plain", "image/png"]
    assert preferred_media_types("", ["text/html"]) == []
    assert preferred_media_types(None, ["a/b", "c/d"]) == ["a/b", "c/d"]


def test_media_type_specificity_beats_wildcard_quality():
    # the specific entry (q=0) decides for text/html even though */* has q=1
    assert preferred_media_types("*/*, text/html;q=0", ["text/html", "text/plain"]) == ["text/plain"]


def test_accepts_types_maps_short_names():
    assert accepts_types("application/json", ("html", "json")) == "json"
    assert accepts_types("application/json", (["html", "json"],)) == "json"
    assert accepts_types("image/webp", ("html",)) is False
    assert accepts_types(None, ("html", "json")) == "html"


def test_encodings_identity_rules():
    assert preferred_encodings("gzip;q=0.5") == ["gzip", "identity"]
    assert preferred_encodings("gzip, identity;q=0") == ["gzip"]
    assert preferred_encodings("*;q=0.2, gzip") == ["gzip", "*"]
    assert preferred_encodings("br;q=0.9, gzip", ["br", "gzip", "identity"]) == ["gzip", "br", "identity"]


def test_charsets_and_languages():
    assert preferred_charsets("utf-8;q=0.5, *;q=0.1", ["latin1", "UTF-8"]) == ["UTF-8", "latin1"]
    assert preferred_languages("en-US, en;q=0.9, fr;q=0.5", ["fr", "en", "en-US", "de"]) == ["en-US", "en", "fr"]
    assert preferred_languages("en", ["en-GB"]) == ["en-GB"]
    assert preferred_languages("en-GB", ["en"]) == ["en"]


@pytest.mark.parametrize("value,types,expected", [
    ("application/json", ("json",), "json"),
    ("application/json; charset=utf-8", ("text/*", "json"), "json"),
    ("text/plain", ("text/*",), "text/plain"),
    ("image/svg+xml", ("+xml",), "image/svg+xml"),
    ("application/x-www-form-urlencoded", ("urlencoded",), "urlencoded"),
    ("multipart/form-data; boundary=--x", ("multipart",), "multipart"),
    ("multipart/form-data", ("multipart/*",), "multipart/form-data"),
    ("text/html", ("json",), False),
    ("not a type", ("json",), False),
    (None, ("json",), False),
    ("TEXT/HTML", (), "text/html"),
])
def test_type_is(value, types, expected):
    assert type_is(value, types) == expected


# --- fresh ---------------------------------------------------------------------

LM = "Sat, 01 Jan 2000 00:00:00 GMT"
LATER = "Sun, 02 Jan 2000 00:00:00 GMT"


@pytest.mark.parametrize("req,res,expected", [
    ({}, {"etag": '"a"'}, False),
    ({"if-none-match": '"a"'}, {"etag": '"a"'}, True),
    ({"if-none-match": '"a"'}, {"etag": '"b"'}, False),
    ({"if-none-match": '"b", "a"'}, {"etag": '"a"'}, True),
    ({"if-none-match": 'W/"a"'}, {"etag": '"a"'}, True),
    ({"if-none-match": '"a"'}, {"etag": 'W/"a"'}, True),
    ({"if-none-match": "*"}, {"etag": '"a"'}, True),
    ({"if-none-match": '"a"'}, {}, False),
    ({"if-none-match": '"a"', "cache-control": "no-cache"}, {"etag": '"a"'}, False),
    ({"if-none-match": '"a"', "cache-control": "max-age=0, no-cache"}, {"etag": '"a"'}, False),
    ({"if-none-match": '"a"', "cache-control": "no-cache-x"}, {"etag": '"a"'}, True),
    ({"if-modified-since": LATER}, {"last-modified": LM}, True),
    ({"if-modified-since": LM}, {"last-modified": LM}, True),
    ({"if-modified-since": LM}, {"last-modified": LATER}, False),
    ({"if-modified-since": LM}, {}, False),
    ({"if-modified-since": "garbage"}, {"last-modified": LM}, False),
    ({"if-none-match": '"a"', "if-modified-since": LM}, {"etag": '"a"', "last-modified": LATER}, False),
])
def test_fresh(req, res, expected):
    assert fresh(req, res) is expected


# --- content-disposition --------------------------------------------------------

@pytest.mark.parametrize("args,kwargs,expected", [
    ((), {}, "attachment"),
    (("plans.pdf",), {}, 'attachment; filename="plans.pdf"'),
    (("/path/to/plans.pdf",), {}, 'attachment; filename="plans.pdf"'),
    (("the \"plans\".pdf",), {}, 'attachment; filename="the \\"plans\\".pdf"'),
    (("«plans».pdf",), {}, 'attachment; filename="«plans».pdf"'),
    (("€ rates.pdf",), {}, "attachment; filename=\"? rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf"),
    (("€ rates.pdf",), {"fallback": "EURO rates.pdf"},
     "attachment; filename=\"EURO rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf"),
    (("€ rates.pdf",), {"fallback": False}, "attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf"),
    (("the%20plans.pdf",), {}, "attachment; filename=\"the%20plans.pdf\"; filename*=UTF-8''the%2520plans.pdf"),
    (("it's (1)*.txt",), {"fallback": False}, "attachment; filename=\"it's (1)*.txt\""),
    (("x.txt",), {"type": "INLINE"}, 'inline; filename="x.txt"'),
])
def test_content_disposition(args, kwargs, expected):
    assert content_disposition(*args, **kwargs) == expected


def test_content_disposition_encodes_attr_chars():
    assert content_disposition("日本'(*).txt") == (
        "attachment; filename=\"??'(*).txt\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%27%28%2A%29.txt"
    )


def test_content_disposition_rejects_bad_type():
    with pytest.raises(TypeError):
        content_disposition("a.txt", type="bad type")


# --- encode_url / vary ----------------------------------------------------------

@pytest.mark.parametrize("url,expected", [
    ("http://localhost/foo bar", "http://localhost/foo%20bar"),
    ("/a?b=c&d=e#frag", "/a?b=c&d=e#frag"),
    ("/%2F%zz%", "/%2F%25zz%25"),
    ("/ü", "/%C3%BC"),
    ("/[ipv6]:80", "/[ipv6]:80"),
    ('/<"`{|}^\\>', "/%3C%22%60%7B%7C%7D%5E%5C%3E"),
    ("/\ud800", "/%EF%BF%BD"),
])
def test_encode_url(url, expected):
    assert encode_url(url) == expected


def test_append_vary():
    assert append_vary("", "Accept") == "Accept"
    assert append_vary("Accept", ["Origin", "accept"]) == "Accept, Origin"
    assert append_vary("*", "Origin") == "*"
    assert append_vary("Accept", "Origin, *") == "*"
