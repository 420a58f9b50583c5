# Typed locals for eggfast.koa._respond_c, the compiled twin of eggfast.koa._respond_py
# (augmenting .pxd): with `response` typed, the send path reads the Response's
# C slots directly.

cimport cython
from eggfast.koa._context_c cimport Context
from eggfast.koa._response_c cimport Response

@cython.locals(response=Response, headers=dict, size=Py_ssize_t, entry=tuple)
cpdef _send_whole(response, stream, data, head=*, length=*)

@cython.locals(response=Response, headers=dict)
cpdef bint respond_now(Context ctx) except -1
