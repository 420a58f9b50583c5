"""The response-head writer, on both twins."""
from __future__ import annotations

import pytest

from eggfast.errors import InvalidHeaderError


def test_status_line_and_headers(writer_twin):
    head = writer_twin.build_head("1.1", 200, None, [("Content-Type", "text/plain"), ("X-Latin", "caf\xe9")])
    assert head == b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Latin: caf\xe9\r\n\r\n"


def test_custom_reason(writer_twin):
    assert writer_twin.build_head("1.0", 299, "Fine", []) == b"HTTP/1.0 299 Fine\r\n\r\n"


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\x00b", "a\x7fb", "\u2603"])
def test_bad_values_refused(writer_twin, value):
    with pytest.raises(InvalidHeaderError):
        writer_twin.build_head("1.1", 200, None, [("X", value)])


@pytest.mark.parametrize("name", ["", "X Y", "X:Y", "X\r\n", "caf\xe9"])
def test_bad_names_refused(writer_twin, name):
    with pytest.raises(InvalidHeaderError):
        writer_twin.build_head("1.1", 200, None, [(name, "v")])


def test_bad_reason_refused(writer_twin):
    with pytest.raises(InvalidHeaderError):
        writer_twin.build_head("1.1", 200, "OK\r\nSet-Cookie: a=b", [])


@pytest.mark.parametrize("status", [99, 1000, "200"])
def test_bad_status_refused(writer_twin, status):
    with pytest.raises(InvalidHeaderError):
        writer_twin.build_head("1.1", status, None, [])


def test_tab_allowed(writer_twin):
    assert b"X: a\tb\r\n" in writer_twin.build_head("1.1", 200, None, [("X", "a\tb")])


def test_chunk(writer_twin):
    assert writer_twin.chunk(b"hello world, hi") == b"f\r\nhello world, hi\r\n"


@pytest.mark.parametrize("data", [bytearray(b"abc"), memoryview(b"abc")])
def test_chunk_accepts_bytes_like(writer_twin, data):
    assert writer_twin.chunk(data) == b"3\r\nabc\r\n"


def test_non_str_values_are_stringified(writer_twin):
    assert b"X-N: 5\r\n" in writer_twin.build_head("1.1", 200, None, [("X-N", 5)])


def test_non_str_name_refused(writer_twin):
    with pytest.raises(InvalidHeaderError):
        writer_twin.build_head("1.1", 200, None, [(b"X", "v")])


@pytest.mark.parametrize("size", [0, 10, 64 * 1024, 64 * 1024 + 1, 1 << 20])
def test_whole_response_bytes_for_small_and_large_bodies(writer_twin, size):
    body = bytes(range(256)) * (size // 256) + b"z" * (size % 256)
    headers = [("Content-Type", "application/octet-stream"), ("Content-Length", str(size))]
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\nDate: d\r\n\r\n" % size
    assert writer_twin.build_response("1.1", 200, None, headers, b"Date: d\r\n", body) == head + body
    # The head alone, as the protocol builds it for a body it writes uncopied.
    assert writer_twin.build_response("1.1", 200, None, headers, b"Date: d\r\n") == head
