# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, binding=False
"""Compiled twin of eggfast._matcher_py: same table, same results.

PERF: ``binding=False`` here: ``Matcher.match`` is a plain method descriptor,
so a bound ``match`` is called through CPython's vectorcall without the
CyFunction layer (about 15 ns, ~6% of a github match, measured).

The frozen Python table is copied once into ``_Node`` objects.  A match walks
the path string by index: static children are found through a per-node open
addressing table keyed by an FNV-1a hash computed while scanning the segment,
so no substring is created for static segments; param captures are kept as
(start, end) pairs and turned into strings only for the winning route.
"""
from libc.stdint cimport uint64_t
from libc.stdlib cimport calloc, malloc, free
cimport cython
from libc.string cimport memcmp, memchr, memcpy
from cpython.ref cimport PyObject

from eggfast._matcher_py import MAX_CAPTURES, check_table, decode_param as _py_decode

cdef extern from "Python.h":
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    unsigned int PyUnicode_READ(int kind, void* data, Py_ssize_t index) nogil
    object PyUnicode_Substring(object, Py_ssize_t, Py_ssize_t)
    Py_ssize_t PyUnicode_FindChar(object, Py_UCS4, Py_ssize_t, Py_ssize_t, int) except -2
    PyObject* PyDict_GetItemWithError(object, object) except? NULL
    dict _PyDict_NewPresized(Py_ssize_t)
    void PyObject_GC_UnTrack(object)
    bint PyUnicode_IS_ASCII(object)
    object PyUnicode_New(Py_ssize_t, unsigned int)

cdef enum:
    MAXCAP = 32

cdef extern from *:
    """
    #define EGGFAST_FNV_OFFSET 14695981039346656037ULL
    #define EGGFAST_FNV_PRIME 1099511628211ULL
    """
    const uint64_t FNV_OFFSET "EGGFAST_FNV_OFFSET"
    const uint64_t FNV_PRIME "EGGFAST_FNV_PRIME"

cdef extern from *:
    """
    #if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    #define EGGFAST_LITTLE_ENDIAN 1
    #else
    #define EGGFAST_LITTLE_ENDIAN 0
    #endif
    """
    const bint EGGFAST_LITTLE_ENDIAN

# method codes: a fixed slot per common method, 7 = look up the dict
cdef enum:
    M_GET = 0
    M_POST = 1
    M_PUT = 2
    M_PATCH = 3
    M_DELETE = 4
    M_HEAD = 5
    M_OPTIONS = 6
    M_OTHER = 7

cdef tuple _METHOD_NAMES = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
cdef tuple _MISS = (None, None, None)

if MAX_CAPTURES != MAXCAP:  # pragma: no cover  (keep the twins' limits in step)
    raise ImportError("eggfast._matcher_c: MAX_CAPTURES differs from the pure twin")


cdef inline int _method_code(str m):
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(m)
    cdef int kind = PyUnicode_KIND(m)
    cdef void* d = PyUnicode_DATA(m)
    if kind != 1:
        return M_OTHER
    cdef const char* s = <const char*>d
    if n == 3:
        if memcmp(s, b"GET", 3) == 0:
            return M_GET
        if memcmp(s, b"PUT", 3) == 0:
            return M_PUT
    elif n == 4:
        if memcmp(s, b"POST", 4) == 0:
            return M_POST
        if memcmp(s, b"HEAD", 4) == 0:
            return M_HEAD
    elif n == 5:
        if memcmp(s, b"PATCH", 5) == 0:
            return M_PATCH
    elif n == 6:
        if memcmp(s, b"DELETE", 6) == 0:
            return M_DELETE
    elif n == 7:
        if memcmp(s, b"OPTIONS", 7) == 0:
            return M_OPTIONS
    return M_OTHER


cdef inline uint64_t _seg_hash(int kind, void* data, Py_ssize_t s, Py_ssize_t n) noexcept:
    """O(1) hash of a segment's code points: its length, first 8 and last 8.

    PERF: a per-char multiply chain costs ~50 ns on a 40-char sha; this reads
    at most 16 chars with independent shifts.  Collisions are settled by the
    compare in find_static.  Code points (low 8 bits) are hashed, not bytes,
    so a key and an equal segment of a wider-kind path hash alike.
    """
    cdef uint64_t a = 0, b = 0, h
    cdef Py_ssize_t i, k = 8 if n > 8 else n
    cdef const unsigned char* p
    if kind == 1 and EGGFAST_LITTLE_ENDIAN and n >= 8:
        memcpy(&a, <const char*>data + s, 8)
        memcpy(&b, <const char*>data + s + n - 8, 8)
    elif kind == 1:
        p = <const unsigned char*>data + s
        for i in range(k):
            a |= <uint64_t>p[i] << (8 * i)
        b = a
    else:
        for i in range(k):
            a |= <uint64_t>(PyUnicode_READ(kind, data, s + i) & 0xFF) << (8 * i)
            b |= <uint64_t>(PyUnicode_READ(kind, data, s + n - k + i) & 0xFF) << (8 * i)
    h = (a * <uint64_t>0x9E3779B97F4A7C15) ^ (b * <uint64_t>0xC2B2AE3D27D4EB4F) ^ <uint64_t>n
    h ^= h >> 32
    h *= <uint64_t>0xD6E8FEB86659FD93
    return h ^ (h >> 29)


cdef inline Py_ssize_t _seg_end(int kind, void* data, Py_ssize_t s, Py_ssize_t end) noexcept:
    """Index of the next '/' at or after ``s``, or ``end``."""
    cdef const char* p
    if kind == 1:
        p = <const char*>data
        while s < end and p[s] != 47:
            s += 1
        return s
    while s < end and PyUnicode_READ(kind, data, s) != 47:
        s += 1
    return s


cdef inline uint64_t _hash_str(str key):
    return _seg_hash(PyUnicode_KIND(key), PyUnicode_DATA(key), 0, PyUnicode_GET_LENGTH(key))


ctypedef struct _Entry:
    # one slot of a node's open-addressing table of static children
    uint64_t hash
    Py_ssize_t length
    int kind
    void* data          # the key's characters (the key str is kept alive by the node)
    PyObject* child     # borrowed: the node's static_children list owns it


@cython.final
cdef class _Node:
    """One tree node: static hash table, ordered params, wildcard, leaf."""

    cdef Py_ssize_t nstatic
    cdef Py_ssize_t mask
    cdef int* slots         # open addressing: index into entries, -1 = empty
    cdef _Entry* entries
    cdef list static_keys
    cdef list static_children
    cdef Py_ssize_t nparams
    cdef list param_rx
    cdef list param_children
    cdef PyObject** prx         # borrowed from param_rx; NULL where no regex
    cdef PyObject** pchild      # borrowed from param_children
    cdef _Node wild
    cdef bint has_leaf
    cdef Py_ssize_t mroute[8]
    cdef dict methods
    cdef Py_ssize_t any_route
    cdef object allowed

    def __dealloc__(self):
        free(self.slots)
        free(self.entries)
        free(self.prx)
        free(self.pchild)

    cdef inline PyObject* find_static(self, int kind, void* data, Py_ssize_t s, Py_ssize_t n) noexcept:
        cdef uint64_t h = _seg_hash(kind, data, s, n)
        cdef Py_ssize_t slot = <Py_ssize_t>(h & <uint64_t>self.mask)
        cdef Py_ssize_t i
        cdef _Entry* e
        cdef int idx
        while True:
            idx = self.slots[slot]
            if idx < 0:
                return NULL
            e = &self.entries[idx]
            if e.hash == h and e.length == n:
                if e.kind == kind:
                    if memcmp(e.data, <char*>data + s * kind, n * kind) == 0:
                        return e.child
                else:
                    for i in range(n):
                        if PyUnicode_READ(e.kind, e.data, i) != PyUnicode_READ(kind, data, s + i):
                            break
                    else:
                        return e.child
            slot = (slot + 1) & self.mask

    cdef inline Py_ssize_t leaf_route(self, int code, object method) except? -2:
        cdef PyObject* found
        if code != M_OTHER:
            return self.mroute[code]
        found = PyDict_GetItemWithError(self.methods, method)
        if found is NULL:
            return self.any_route
        return <Py_ssize_t><object>found


cdef _Node _build(tuple node):
    cdef _Node out = _Node.__new__(_Node)
    cdef dict static = node[0]
    cdef Py_ssize_t i, n, size, slot
    cdef uint64_t h
    out.static_keys = []
    out.static_children = []
    for key, child in static.items():
        if type(key) is not str:
            raise TypeError("route table: static keys must be str")
        out.static_keys.append(key)
        out.static_children.append(_build(child))
    n = len(out.static_keys)
    out.nstatic = n
    if n:
        size = 4
        while size < 2 * n:
            size *= 2
        out.mask = size - 1
        out.slots = <int*>malloc(size * sizeof(int))
        out.entries = <_Entry*>calloc(n, sizeof(_Entry))
        if out.slots is NULL or out.entries is NULL:
            raise MemoryError()
        for i in range(size):
            out.slots[i] = -1
        for i in range(n):
            key = out.static_keys[i]
            h = _hash_str(key)
            slot = <Py_ssize_t>(h & <uint64_t>out.mask)
            while out.slots[slot] >= 0:
                slot = (slot + 1) & out.mask
            out.slots[slot] = <int>i
            out.entries[i].hash = h
            out.entries[i].length = PyUnicode_GET_LENGTH(key)
            out.entries[i].kind = PyUnicode_KIND(key)
            out.entries[i].data = PyUnicode_DATA(key)
            out.entries[i].child = <PyObject*>out.static_children[i]
    out.param_rx = []
    out.param_children = []
    for rx, child in node[1]:
        out.param_rx.append(rx)
        out.param_children.append(_build(child))
    out.nparams = len(out.param_rx)
    if out.nparams:
        out.prx = <PyObject**>malloc(out.nparams * sizeof(PyObject*))
        out.pchild = <PyObject**>malloc(out.nparams * sizeof(PyObject*))
        if out.prx is NULL or out.pchild is NULL:
            raise MemoryError()
        for i in range(out.nparams):
            rx = out.param_rx[i]
            out.prx[i] = NULL if rx is None else <PyObject*>rx
            out.pchild[i] = <PyObject*>out.param_children[i]
    out.wild = _build(node[2]) if node[2] is not None else None
    leaf = node[3]
    out.has_leaf = leaf is not None
    if leaf is not None:
        out.methods = dict(leaf[0])
        out.any_route = leaf[1]
        out.allowed = leaf[2]
        for i in range(7):
            out.mroute[i] = out.methods.get(_METHOD_NAMES[i], out.any_route)
        out.mroute[7] = out.any_route
    else:
        out.methods = {}
        out.any_route = -1
        out.allowed = frozenset()
        for i in range(8):
            out.mroute[i] = -1
    return out


ctypedef struct _State:
    int kind
    bint ascii
    void* data
    Py_ssize_t end
    int code
    PyObject* method
    PyObject* path
    int ncap
    Py_ssize_t cs[MAXCAP]
    Py_ssize_t ce[MAXCAP]


cdef bint _rx_ok(PyObject* rx, _State* st, Py_ssize_t s, Py_ssize_t e) except -1:
    return (<object>rx).fullmatch(PyUnicode_Substring(<object>st.path, s, e)) is not None


cdef Py_ssize_t _walk(_Node node, _State* st, Py_ssize_t pos) except -2:
    """``pos`` is the '/' before the next segment, or ``st.end`` when done."""
    cdef Py_ssize_t found, s, e, i
    cdef uint64_t h
    cdef PyObject* child
    if pos == st.end:
        if not node.has_leaf:
            return -1
        return node.leaf_route(st.code, <object>st.method)
    s = pos + 1
    e = _seg_end(st.kind, st.data, s, st.end)
    if node.nstatic:
        child = node.find_static(st.kind, st.data, s, e - s)
        if child is not NULL:
            found = _walk(<_Node>child, st, e)
            if found >= 0:
                return found
    if e > s and node.nparams:
        for i in range(node.nparams):
            if node.prx[i] is not NULL and not _rx_ok(node.prx[i], st, s, e):
                continue
            st.cs[st.ncap] = s
            st.ce[st.ncap] = e
            st.ncap += 1
            found = _walk(<_Node>node.pchild[i], st, e)
            if found >= 0:
                return found
            st.ncap -= 1
    if node.wild is not None and st.end > s and node.wild.has_leaf:
        found = node.wild.leaf_route(st.code, <object>st.method)
        if found >= 0:
            st.cs[st.ncap] = s
            st.ce[st.ncap] = st.end
            st.ncap += 1
            return found
    return -1


cdef int _allow(_Node node, _State* st, Py_ssize_t pos, set out) except -1:
    cdef Py_ssize_t s, e, i
    cdef uint64_t h
    cdef PyObject* child
    if pos == st.end:
        if node.has_leaf:
            out.update(node.allowed)
        return 0
    s = pos + 1
    e = _seg_end(st.kind, st.data, s, st.end)
    if node.nstatic:
        child = node.find_static(st.kind, st.data, s, e - s)
        if child is not NULL:
            _allow(<_Node>child, st, e, out)
    if e > s:
        for i in range(node.nparams):
            if node.prx[i] is NULL or _rx_ok(node.prx[i], st, s, e):
                _allow(<_Node>node.pchild[i], st, e, out)
    if node.wild is not None and st.end > s and node.wild.has_leaf:
        out.update(node.wild.allowed)
    return 0


cdef inline object _substring(object path, _State* st, Py_ssize_t s, Py_ssize_t e):
    """``path[s:e]``; PERF: an ASCII path skips the max-char scan of PyUnicode_Substring."""
    cdef object out
    if st.ascii:
        out = PyUnicode_New(e - s, 127)
        memcpy(PyUnicode_DATA(out), <const char*>st.data + s, e - s)
        return out
    return PyUnicode_Substring(path, s, e)


cdef inline bint _has_pct(_State* st, Py_ssize_t s, Py_ssize_t e) noexcept:
    cdef Py_ssize_t i
    if st.kind == 1:
        return memchr(<const char*>st.data + s, 37, e - s) is not NULL
    for i in range(s, e):
        if PyUnicode_READ(st.kind, st.data, i) == 37:
            return True
    return False


cdef object _decode(str value):
    """Percent-decode as UTF-8; None when the escape or the UTF-8 is bad."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(value)
    if PyUnicode_FindChar(value, 37, 0, n, 1) < 0:
        return value
    cdef bytes raw
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    cdef const unsigned char* b = raw
    cdef Py_ssize_t m = len(raw)
    cdef bytearray out = bytearray(m)
    cdef unsigned char* o = out
    cdef Py_ssize_t i = 0, j = 0
    cdef int hi, lo
    while i < m:
        if b[i] == 37:
            if i + 2 >= m:
                return None
            hi = _hexval(b[i + 1])
            lo = _hexval(b[i + 2])
            if hi < 0 or lo < 0:
                return None
            o[j] = <unsigned char>(hi * 16 + lo)
            i += 3
        else:
            o[j] = b[i]
            i += 1
        j += 1
    try:
        return (<char*>o)[:j].decode("utf-8")
    except UnicodeDecodeError:
        return None


cdef inline int _hexval(unsigned char c):
    if 48 <= c <= 57:
        return c - 48
    if 97 <= c <= 102:
        return c - 87
    if 65 <= c <= 70:
        return c - 55
    return -1


def decode_param(value):
    """Percent-decode ``value`` as UTF-8; ``None`` for a bad escape or bad UTF-8."""
    return _decode(value)


cdef class Matcher:
    """Walks one frozen route table; results as in eggfast._matcher_py."""

    cdef _Node root
    cdef readonly tuple routes
    cdef list names
    cdef list route_objs   # routes[i][0], looked up once here instead of per match

    def __init__(self, tuple table):
        check_table(table)
        self.root = _build(table[0])
        self.routes = tuple(table[1])
        self.names = [r[1] for r in self.routes]
        self.route_objs = [r[0] for r in self.routes]

    def match(self, method, path):
        """Find the route for ``method`` and the raw ``path``."""
        if type(method) is not str or type(path) is not str:
            raise TypeError("method and path must be str")
        cdef _State st
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(path)
        st.kind = PyUnicode_KIND(path)
        st.data = PyUnicode_DATA(path)
        st.ascii = PyUnicode_IS_ASCII(path)
        if n == 0 or PyUnicode_READ(st.kind, st.data, 0) != 47:
            return _MISS
        if n > 1 and PyUnicode_READ(st.kind, st.data, n - 1) == 47:
            n -= 1
        st.end = n
        st.code = _method_code(<str>method)
        st.method = <PyObject*>method
        st.path = <PyObject*>path
        st.ncap = 0
        cdef Py_ssize_t index
        if n == 1:
            index = _walk(self.root, &st, n)
        else:
            index = _walk(self.root, &st, 0)
        cdef tuple names
        cdef dict params
        cdef Py_ssize_t i
        cdef object value
        if index >= 0:
            route = self.route_objs[index]
            names = <tuple>self.names[index]
            params = _PyDict_NewPresized(st.ncap)
            for i in range(st.ncap):
                value = _substring(path, &st, st.cs[i], st.ce[i])
                if _has_pct(&st, st.cs[i], st.ce[i]):
                    value = _decode(value)
                    if value is None:
                        return (route, None, None)
                params[names[i]] = value
            result = (route, params, None)
            # PERF: a short-lived result need not be seen by the cycle GC (the
            # objects it holds stay reachable); CPython untracks tuples too.
            PyObject_GC_UnTrack(result)
            return result
        cdef set allowed = set()
        if n == 1:
            _allow(self.root, &st, n, allowed)
        else:
            _allow(self.root, &st, 0, allowed)
        if not allowed:
            return _MISS
        return (None, None, tuple(sorted(allowed)))
