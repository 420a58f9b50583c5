"""helper.escape, helper.shtml (nh3), helper.surl, helper.sjs, helper.sjson with Egg's semantics."""
from __future__ import annotations

import json

import pytest

from eggfast.egg.helper import escape, shtml
from eggfast.plugins.security.escape import sjs, sjson, surl


@pytest.fixture
def helper(app):
    return app.create_anonymous_context().helper


def test_escape():
    assert escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    assert escape(None) == "" and escape(5) == "5"


@pytest.mark.parametrize("dirty,clean", [
    ("<script>alert(1)</script><b>ok</b>", "<b>ok</b>"),
    ('<img src=x onerror="alert(1)">', '<img src="x">'),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="/local" title="t">x</a>', '<a href="/local" title="t" rel="noopener noreferrer">x</a>'),
    ("<svg><g onload=alert(1)></g></svg>text", "text"),
    ("<iframe src=//evil.com>inner</iframe>after", "after"),
    ("<style>body{}</style><p style=\"x\">p</p>", "<p>p</p>"),
    ("<b>unclosed", "<b>unclosed</b>"),
    ("1 < 2 & 3", "1 &lt; 2 &amp; 3"),
    ("<!-- c --><i>i</i>", "<i>i</i>"),
])
def test_shtml_keeps_only_safe_markup(dirty, clean):
    assert shtml(dirty) == clean


def test_shtml_drops_links_outside_the_domain_white_list(secure_app):
    app = secure_app({"security": {"domain_white_list": [".good.org"]}})
    helper = app.create_anonymous_context().helper
    html = '<a href="http://evil.com/">e</a><a href="https://x.good.org/">g</a><a href="/p">p</a><img src="//evil.com/i">'
    assert helper.shtml(html) == ('<a rel="noopener noreferrer">e</a><a href="https://x.good.org/" '
                                  'rel="noopener noreferrer">g</a><a href="/p" rel="noopener noreferrer">p</a><img>')


@pytest.mark.parametrize("url,expected", [
    ("foo.com", ""),
    ("http://foo.com/javascript:alert(/XSS/)", "http://foo.com/javascript:alert(/XSS/)"),
    ("https://foo.com/>", "https://foo.com/&gt;"),
    ("file://fo<o.com/", "file://fo&lt;o.com/"),
    ("data://foo.com/", "data://foo.com/"),
    ("//foo.com/", "//foo.com/"),
    ('/////"foo.com/', "/////&quot;foo.com/"),
    ("/XXX/'xxx.htm", "/XXX/&#x27;xxx.htm"),
    ("datad://foo.com", ""),
    ("javascript:alert(/XSS/)", ""),
    ("JAVASCRIPT://%0aalert(1)", ""),
    ("://xss.com", ""),
    ("    ", ""),
    (123, 123),
    (True, True),
])
def test_surl(url, expected):
    assert surl(url) == expected


def test_surl_protocol_white_list(secure_app):
    helper = secure_app({"security": {"protocol_white_list": ["Market"]}}).create_anonymous_context().helper
    assert helper.surl("market://item/1") == "market://item/1"
    assert helper.surl("intent://x") == ""


def test_sjs():
    assert sjs('"hello"123abc"') == "\\x22hello\\x22123abc\\x22"
    alnum = "".join(chr(i) for i in range(128) if chr(i).isalnum())
    assert sjs(alnum) == alnum
    assert sjs("\t\n\r") == "\\t\\n\\r"
    assert sjs("\x00\x01</script>") == "\\x00\\x01\\x3c\\x2fscript\\x3e"  # two hex digits, unlike Egg
    assert sjs("中文") == "中文"


def test_sjson_matches_eggs_output():
    assert sjson({"a": 1}) == '{"a":1}'
    assert sjson({"a": '<script type="sdfdsd">alert(111)</script>'}) == (
        '{"a":"\\\\x3cscript\\\\x20type\\\\x3d\\\\x22sdfdsd\\\\x22\\\\x3ealert\\\\x28111\\\\x29\\\\x3c\\\\x2fscript'
        '\\\\x3e"}')
    nested = {"a": {"b": {"c": {"<script>": ["<script>?</script>", {"e": "<script>"}]}}}}
    assert sjson(nested) == ('{"a":{"b":{"c":{"\\\\x3cscript\\\\x3e":["\\\\x3cscript\\\\x3e\\\\x3f\\\\x3c\\\\x2fscript'
                             '\\\\x3e",{"e":"\\\\x3cscript\\\\x3e"}]}}}}')
    assert json.loads(sjson({"n": None, "t": True, "l": [1, 2.5]})) == {"n": None, "t": True, "l": [1, 2.5]}


def test_helper_methods_are_on_ctx_helper(helper):
    assert helper.surl("javascript:x") == "" and helper.sjs("<") == "\\x3c" and helper.sjson({"a": "<"}) == \
        '{"a":"\\\\x3c"}'
    assert helper.escape("<") == "&lt;" and helper.shtml("<script>x</script>") == ""
