"""koa-compose's test suite, ported one-for-one, run on both twins."""
from __future__ import annotations

import asyncio

import pytest

from eggfast.errors import ComposeError


async def wait(ms: float) -> None:
    await asyncio.sleep(ms / 1000)


async def test_should_work(compose_twin):
    arr = []
    stack = []

    async def m1(ctx, next):
        arr.append(1)
        await wait(1)
        await next()
        await wait(1)
        arr.append(6)

    async def m2(ctx, next):
        arr.append(2)
        await wait(1)
        await next()
        await wait(1)
        arr.append(5)

    async def m3(ctx, next):
        arr.append(3)
        await wait(1)
        await next()
        await wait(1)
        arr.append(4)

    stack.extend([m1, m2, m3])
    await compose_twin.compose(stack)({})
    assert arr == [1, 2, 3, 4, 5, 6]


async def test_should_be_able_to_be_called_twice(compose_twin):
    async def m1(ctx, next):
        ctx["arr"].append(1)
        await wait(1)
        await next()
        await wait(1)
        ctx["arr"].append(6)

    async def m2(ctx, next):
        ctx["arr"].append(2)
        await next()
        ctx["arr"].append(5)

    async def m3(ctx, next):
        ctx["arr"].append(3)
        await next()
        ctx["arr"].append(4)

    fn = compose_twin.compose([m1, m2, m3])
    ctx1, ctx2 = {"arr": []}, {"arr": []}
    out = [1, 2, 3, 4, 5, 6]
    await fn(ctx1)
    assert ctx1["arr"] == out
    await fn(ctx2)
    assert ctx2["arr"] == out


def test_should_only_accept_an_array(compose_twin):
    with pytest.raises(TypeError, match="Middleware stack must be an array!"):
        compose_twin.compose(None)


async def test_should_create_next_functions_that_return_an_awaitable(compose_twin):
    seen = []

    async def mw(ctx, next):
        result = next()
        seen.append(hasattr(result, "__await__"))
        await result

    await compose_twin.compose([mw, mw, mw])({})
    assert seen == [True, True, True]


async def test_should_work_with_0_middleware(compose_twin):
    assert await compose_twin.compose([])({}) is None


def test_should_only_accept_middleware_as_functions(compose_twin):
    with pytest.raises(TypeError, match="Middleware must be composed of functions!"):
        compose_twin.compose([{}])


async def test_should_work_when_awaiting_at_the_end_of_the_stack(compose_twin):
    called = []

    async def mw(ctx, next):
        await next()
        called.append(True)

    await compose_twin.compose([mw])({})
    assert called == [True]


async def test_should_reject_on_errors_in_middleware(compose_twin):
    async def mw(ctx, next):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await compose_twin.compose([mw])({})


async def test_should_keep_the_context(compose_twin):
    ctx = {}

    def check(n):
        async def mw(c, next):
            assert c is ctx
            await next()
            assert c is ctx
        return mw

    await compose_twin.compose([check(1), check(2), check(3)])(ctx)


async def test_should_catch_downstream_errors(compose_twin):
    arr = []

    async def m1(ctx, next):
        arr.append(1)
        try:
            arr.append(6)
            await next()
            arr.append(7)
        except ValueError:
            arr.append(2)
        arr.append(3)

    async def m2(ctx, next):
        arr.append(4)
        raise ValueError()

    await compose_twin.compose([m1, m2])({})
    assert arr == [1, 6, 4, 2, 3]


async def test_should_compose_with_next(compose_twin):
    called = []

    async def outer_next():
        called.append(True)

    await compose_twin.compose([])({}, outer_next)
    assert called == [True]


async def test_should_handle_errors_in_wrapped_non_async_functions(compose_twin):
    def mw(ctx, next):
        raise ValueError("sync")

    with pytest.raises(ValueError, match="sync"):
        await compose_twin.compose([mw])({})


async def test_should_compose_w_other_compositions(compose_twin):
    called = []

    def push(n):
        async def mw(ctx, next):
            called.append(n)
            return await next()
        return mw

    fn = compose_twin.compose([
        compose_twin.compose([push(1), push(2)]),
        push(3),
    ])
    await fn({})
    assert called == [1, 2, 3]


async def test_should_throw_if_next_is_called_multiple_times(compose_twin):
    async def mw(ctx, next):
        await next()
        await next()

    with pytest.raises(ComposeError, match="next\\(\\) called multiple times"):
        await compose_twin.compose([mw])({})


async def test_should_return_a_valid_middleware(compose_twin):
    val = {"n": 0}

    async def add(ctx, next):
        val["n"] += 1
        return await next()

    await compose_twin.compose([compose_twin.compose([add, add, add]), add])({})
    assert val["n"] == 4


async def test_should_return_last_return_value(compose_twin):
    async def m1(ctx, next):
        val = await next()
        assert val == 2
        return 1

    async def m2(ctx, next):
        val = await next()
        assert val == 0
        return 2

    async def outer():
        return 0

    assert await compose_twin.compose([m1, m2])({}, outer) == 1


def test_should_not_affect_the_original_middleware_array(compose_twin):
    async def fn1(ctx, next):
        await next()

    middleware = [fn1]
    for fn in middleware:
        assert fn is fn1
    compose_twin.compose(middleware)
    for fn in middleware:
        assert fn is fn1
    assert middleware == [fn1]


async def test_should_not_get_stuck_on_the_passed_in_next(compose_twin):
    ctx = {"middleware": 0, "next": 0}

    async def mw(ctx, next):
        ctx["middleware"] += 1
        await next()

    async def outer():
        ctx["next"] += 1

    await asyncio.wait_for(compose_twin.compose([mw])(ctx, outer), 1)
    assert ctx == {"middleware": 1, "next": 1}


async def test_later_edits_to_the_list_do_not_leak_in(compose_twin):
    called = []

    async def a(ctx, next):
        called.append("a")
        await next()

    stack = [a]
    fn = compose_twin.compose(stack)
    stack.append(a)
    await fn({})
    assert called == ["a"]


def test_errors_are_the_same_class_and_text_on_both_twins():
    from eggfast.koa import _compose_py

    c = pytest.importorskip("eggfast.koa._compose_c")
    for bad in (None, [1]):
        messages = []
        for twin in (_compose_py, c):
            with pytest.raises(TypeError) as info:
                twin.compose(bad)
            messages.append(str(info.value))
        assert messages[0] == messages[1]
