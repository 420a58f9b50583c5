"""Pure twin of the onion dispatcher (koa-compose semantics and messages)."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Iterable, Optional

from eggfast.errors import ComposeError

Middleware = Callable[[Any, Callable[[], Awaitable[Any]]], Awaitable[Any]]
Next = Optional[Callable[[], Awaitable[Any]]]

NEXT_CALLED_TWICE = "next() called multiple times"
NOT_A_LIST = "Middleware stack must be an array!"
NOT_CALLABLE = "Middleware must be composed of functions!"


async def _done() -> None:
    return None


class _Dispatch:
    """One run of a composed chain over one context."""

    __slots__ = ("ctx", "stack", "count", "tail", "index")

    def __init__(self, ctx: Any, stack: tuple, tail: Next) -> None:
        self.ctx = ctx
        self.stack = stack
        self.count = len(stack)
        self.tail = tail
        self.index = -1

    def step(self, i: int) -> Awaitable[Any]:
        if i <= self.index:
            raise ComposeError(NEXT_CALLED_TWICE)
        self.index = i
        if i < self.count:
            return self.stack[i](self.ctx, _Next(self, i + 1))
        if self.tail is not None:
            return self.tail()
        return _done()


class _Next:
    """The ``next`` handed to middleware ``i - 1``: calling it runs layer ``i``."""

    __slots__ = ("dispatch", "i")

    def __init__(self, dispatch: _Dispatch, i: int) -> None:
        self.dispatch = dispatch
        self.i = i

    def __call__(self) -> Awaitable[Any]:
        return self.dispatch.step(self.i)


class Composed:
    """A frozen middleware chain: ``await composed(ctx, next=None)``."""

    __slots__ = ("stack",)

    def __init__(self, stack: tuple) -> None:
        self.stack = stack

    def __call__(self, ctx: Any, next: Next = None) -> Awaitable[Any]:  # noqa: A002 (Koa's name)
        return _Dispatch(ctx, self.stack, next).step(0)

    def __len__(self) -> int:
        return len(self.stack)


def compose(middleware: Iterable[Middleware]) -> Composed:
    """Compose ``middleware`` into one onion: each gets ``(ctx, next)``.

    Validation happens once, here: a non-list raises
    ``TypeError('Middleware stack must be an array!')`` and a non-callable
    ``TypeError('Middleware must be composed of functions!')``.  Calling
    ``next()`` twice in one layer raises ``ComposeError('next() called
    multiple times')``.  The list is copied, so later edits do not leak in.
    """
    if not isinstance(middleware, (list, tuple)):
        raise TypeError(NOT_A_LIST)
    for fn in middleware:
        if not callable(fn):
            raise TypeError(NOT_CALLABLE)
    return Composed(tuple(middleware))
