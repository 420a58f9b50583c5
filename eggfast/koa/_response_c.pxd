# Typed layout of eggfast.koa._response_c, the compiled twin of eggfast.koa._response_py
# (an augmenting .pxd, as for the protocol): setup.py compiles the pure source
# under this name with Response turned into an extension type.  Its fields live
# in C slots; `__dict__` keeps instances open to the attributes apps and
# plugins add, and per-app subclasses (the Egg layer's extend) work as before.

cimport cython


cdef class Response:
    cdef dict __dict__
    cdef public object app
    cdef public object _ctx_ref
    cdef public object stream
    cdef public object res
    cdef public dict _headers
    cdef public object _status
    cdef public object _message
    cdef public object _body
    cdef public bint _explicit_status
    cdef public bint _explicit_null_body
    cdef public object _encoded
    cdef public object _dropped_stream

    @cython.locals(entries=list, entry=tuple, out=list)
    cpdef list header_list(self)
