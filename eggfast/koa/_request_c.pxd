# Typed layout of eggfast.koa._request_c, the compiled twin of eggfast.koa._request_py
# (augmenting .pxd).  The per-request fields set in __init__ live in C slots;
# the lazily filled caches stay class-level defaults in `__dict__`.

cdef class Request:
    cdef dict __dict__
    cdef public object app
    cdef public object _ctx_ref
    cdef public object raw
    cdef public object req
    cdef public object original_url
