# cython: language_level=3
"""Compiled twin of eggfast.koa._compose_py: same API, same errors, same messages."""
from eggfast.errors import ComposeError
from eggfast.koa._compose_py import NEXT_CALLED_TWICE, NOT_A_LIST, NOT_CALLABLE


async def _done():
    return None


cdef class _Dispatch:
    cdef object ctx
    cdef tuple stack
    cdef Py_ssize_t count
    cdef object tail
    cdef Py_ssize_t index

    cdef object step(self, Py_ssize_t i):
        if i <= self.index:
            raise ComposeError(NEXT_CALLED_TWICE)
        self.index = i
        if i < self.count:
            nxt = _Next.__new__(_Next)
            (<_Next>nxt).dispatch = self
            (<_Next>nxt).i = i + 1
            return self.stack[i](self.ctx, nxt)
        if self.tail is not None:
            return self.tail()
        return _done()


cdef class _Next:
    cdef _Dispatch dispatch
    cdef Py_ssize_t i

    def __call__(self):
        return self.dispatch.step(self.i)


cdef class Composed:
    """A frozen middleware chain: ``await composed(ctx, next=None)``."""

    cdef readonly tuple stack

    def __init__(self, tuple stack):
        self.stack = stack

    def __call__(self, ctx, next=None):
        cdef _Dispatch d = _Dispatch.__new__(_Dispatch)
        d.ctx = ctx
        d.stack = self.stack
        d.count = len(self.stack)
        d.tail = next
        d.index = -1
        return d.step(0)

    def __len__(self):
        return len(self.stack)


def compose(middleware):
    """Compose ``middleware`` into one onion: each gets ``(ctx, next)``."""
    if not isinstance(middleware, (list, tuple)):
        raise TypeError(NOT_A_LIST)
    for fn in middleware:
        if not callable(fn):
            raise TypeError(NOT_CALLABLE)
    return Composed(tuple(middleware))
