"""Differential tests: the same input to both twins must give the same output."""
from __future__ import annotations

import asyncio

import pytest
from hypothesis import example, given, settings, strategies as st

from eggfast.koa import _compose_py

from eggfast.server import _writer_py
from eggfast.errors import InvalidHeaderError

compose_c = pytest.importorskip("eggfast.koa._compose_c")
writer_c = pytest.importorskip("eggfast.server._writer_c")

# A middleware program: per layer, how many times it calls next (0-2), whether
# it raises before/after, what it returns, and whether it yields to the loop.
layer = st.fixed_dictionaries({
    "nexts": st.integers(0, 2),
    "raise_before": st.booleans(),
    "raise_after": st.booleans(),
    "catch": st.booleans(),
    "sleep": st.booleans(),
    "ret": st.integers(0, 3),
})


def build(program, trace):
    def make(i, spec):
        async def mw(ctx, next):
            trace.append(("enter", i))
            if spec["sleep"]:
                await asyncio.sleep(0)
            if spec["raise_before"] and i % 3 == 2:
                raise ValueError(f"before {i}")
            for _ in range(spec["nexts"]):
                try:
                    got = await next()
                    trace.append(("got", i, got))
                except Exception as err:
                    trace.append(("caught", i, type(err).__name__, str(err)))
                    if not spec["catch"]:
                        raise
            if spec["raise_after"] and i % 4 == 3:
                raise KeyError(f"after {i}")
            trace.append(("leave", i))
            return spec["ret"]
        return mw
    return [make(i, spec) for i, spec in enumerate(program)]


def run(compose, program):
    trace: list = []
    stack = build(program, trace)

    async def main():
        try:
            return ("ok", await compose(stack)({}))
        except Exception as err:
            return ("error", type(err).__name__, str(err))

    result = asyncio.run(main())
    return trace, result


@settings(max_examples=150, deadline=None)
@given(st.lists(layer, max_size=6))
@example([{"nexts": 2, "raise_before": False, "raise_after": False, "catch": False, "sleep": False, "ret": 1}])
def test_compose_twins_agree(program):
    assert run(_compose_py.compose, program) == run(compose_c.compose, program)


header_text = st.text(st.characters(max_codepoint=0x2FF), max_size=12)
headers = st.lists(st.tuples(st.one_of(st.sampled_from(["X-A", "Content-Type", "set-cookie"]), header_text), header_text), max_size=5)


def outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except InvalidHeaderError as err:
        return ("error", str(err))


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["1.1", "1.0"]),
    st.sampled_from([200, 204, 301, 404, 500, 599, 999, 99, 1000, True, "200"]),
    st.one_of(st.none(), st.sampled_from(["OK", "Not Found", "", "No Content"]), header_text),
    st.one_of(headers, headers.map(tuple), headers.map(lambda items: [list(item) for item in items])),
)
@example("1.1", 200, None, [("X", "a\r\nb")])
@example("1.1", 200, "OK\r\nX: y", [])
@example("1.1", 200, None, [("X", "\u2603")])
def test_writer_twins_agree(version, status, reason, hdrs):
    assert outcome(_writer_py.build_head, version, status, reason, hdrs) == outcome(writer_c.build_head, version, status, reason, hdrs)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["1.1", "1.0"]),
    st.sampled_from([200, 404, 599, 99, "200"]),
    st.one_of(st.none(), header_text),
    headers,
    st.sampled_from([b"", b"Date: x\r\n", b"Date: x\r\nConnection: close\r\n"]),
    st.one_of(st.binary(max_size=40), st.binary(max_size=40).map(bytearray)),
)
@example("1.1", 200, None, [("X", "a\r\nb")], b"", b"body")
def test_writer_twins_agree_on_whole_responses(version, status, reason, hdrs, extra, body):
    py = outcome(_writer_py.build_response, version, status, reason, hdrs, extra, body)
    assert py == outcome(writer_c.build_response, version, status, reason, hdrs, extra, body)
    if py[0] == "ok":  # the head of build_head, the server's lines, then the body
        assert py[1] == _writer_py.build_head(version, status, reason, hdrs)[:-2] + extra + b"\r\n" + bytes(body)
