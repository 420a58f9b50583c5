"""Property tests for the core helpers (hypothesis)."""
from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from eggfast.http.content_disposition import content_disposition  # noqa: E402
from eggfast.http.encodeurl import encode_url  # noqa: E402
from eggfast.koa.application import Application  # noqa: E402
from eggfast.server._protocol import RawRequest  # noqa: E402
from eggfast.server.message import EmptyBody  # noqa: E402
from eggfast.testing import RecordingStream



def _ctx(url: str = "/"):
    app = Application()
    return app.context_class(app, RawRequest("GET", url, "1.1", {"host": "h"}, EmptyBody()), RecordingStream())


@given(st.text())
def test_encode_url_is_ascii_and_idempotent(url):
    once = encode_url(url)
    assert once.isascii()
    assert not any(c in once for c in " \r\n\0\"<>")
    assert encode_url(once) == once


@given(st.text(min_size=1))
def test_content_disposition_is_a_safe_header_value(name):
    value = content_disposition(name)
    value.encode("latin-1")
    assert not any(c in value for c in "\r\n\0")
    assert value.startswith("attachment")


_keys = st.text(min_size=1).filter(lambda k: not k.endswith("[]"))


@settings(max_examples=60)
@given(st.dictionaries(_keys, st.lists(st.text(), min_size=1, max_size=3), max_size=5))
def test_query_setter_round_trips(data):
    ctx = _ctx("/p")
    ctx.query = data
    assert ctx.path == "/p"
    assert ctx.queries == data
    assert ctx.query == {k: v[0] for k, v in data.items()}


@given(st.text())
def test_string_body_length_is_utf8_length(text):
    ctx = _ctx()
    ctx.body = text
    assert ctx.length == len(text.encode("utf-8"))
    assert ctx.status == 200
