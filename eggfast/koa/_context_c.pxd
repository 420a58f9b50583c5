# Typed layout of eggfast.koa._context_c, the compiled twin of eggfast.koa._context_py
# (augmenting .pxd).  `__dict__` keeps ctx open to what middleware, plugins
# and the Egg layer hang on it; `__weakref__` because Request and Response
# link back to it weakly.

cdef class Context:
    cdef dict __dict__
    cdef object __weakref__
    cdef public object app
    cdef public object req
    cdef public object raw
    cdef public object res
    cdef public object request
    cdef public object response
    cdef public object original_url
    cdef public object state
    cdef public object params
    cdef public object respond
    cdef public object router_name
    cdef public object router_path
