# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, binding=False, embedsignature=True, embedsignature.format=clinic
"""Compiled twin of eggfast.router._matcher_py: same table, same results.

PERF: ``binding=False`` here: ``Matcher.match`` is a plain method descriptor,
so a bound ``match`` is called through CPython's vectorcall without the
CyFunction layer (about 15 ns, ~6% of a github match, measured).

The frozen Python table is copied once into ``_Node`` objects, each holding a
plain C struct (``_CNode``) that points at its children's structs; the walk
touches only those structs, so it does no reference counting.  A match walks
the path string by index: static children are found by a segment's length and
its first and last 8 characters (read as two 64-bit words), through a per-node
open addressing table, so no substring is created for static segments; param
captures are kept as (start, end) pairs and turned into strings only for the
winning route.
"""
from libc.stdint cimport uint64_t
from libc.stdlib cimport calloc, malloc, free
cimport cython
from libc.string cimport memcmp, memchr, memcpy
from cpython.ref cimport PyObject

from eggfast.router._matcher_py import MAX_CAPTURES, check_table, decode_param as _py_decode

__all__ = ["Matcher", "decode_param", "check_table", "MAX_CAPTURES"]

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
    #include <stdint.h>
    #include <string.h>
    #if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    #define EGGFAST_LITTLE_ENDIAN 1
    #else
    #define EGGFAST_LITTLE_ENDIAN 0
    #endif
    /* an unaligned 8-byte load (one mov on x86-64) */
    static inline uint64_t eggfast_load64(const void *p) {
        uint64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    /* index of the lowest set bit; x != 0 */
    #if defined(__GNUC__) || defined(__clang__)
    #define eggfast_ctz64(x) __builtin_ctzll(x)
    #else
    static inline int eggfast_ctz64(uint64_t x) {
        int n = 0;
        while (!(x & 1)) { x >>= 1; n++; }
        return n;
    }
    #endif
    /* SWAR: a byte of w ^ SLASHES is zero where w has a '/' */
    #define EGGFAST_ONES 0x0101010101010101ULL
    #define EGGFAST_HIGHS 0x8080808080808080ULL
    #define EGGFAST_SLASHES 0x2F2F2F2F2F2F2F2FULL
    /* bit j set where byte j of w (little-endian) equals the byte repeated in
       pattern: the exact SWAR zero-byte test (no borrow between bytes) on
       w ^ pattern, the 8 flags gathered into one byte by a multiply */
    static inline uint64_t eggfast_byte_bits8(uint64_t w, uint64_t pattern) {
        uint64_t x = w ^ pattern;
        uint64_t z = ~(((x & 0x7F7F7F7F7F7F7F7FULL) + 0x7F7F7F7F7F7F7F7FULL) | x | 0x7F7F7F7F7F7F7F7FULL);
        return ((z >> 7) * 0x0102040810204080ULL) >> 56;
    }
    #define EGGFAST_PCTS 0x2525252525252525ULL
    /* the '/' bits of the 16 bytes at p; their '%' bits are or-ed into *pct.
       SSE2: two compares and movemasks on one load */
    #if defined(__SSE2__)
    #include <emmintrin.h>
    static inline uint64_t eggfast_slash_bits16(const unsigned char *p, uint64_t *pct) {
        __m128i v = _mm_loadu_si128((const __m128i *)p);
        *pct |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('%')));
        return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')));
    }
    #else
    static inline uint64_t eggfast_slash_bits16(const unsigned char *p, uint64_t *pct) {
        uint64_t lo = eggfast_load64(p), hi = eggfast_load64(p + 8);
        *pct |= eggfast_byte_bits8(lo, EGGFAST_PCTS) | eggfast_byte_bits8(hi, EGGFAST_PCTS);
        return eggfast_byte_bits8(lo, EGGFAST_SLASHES) | (eggfast_byte_bits8(hi, EGGFAST_SLASHES) << 8);
    }
    #endif
    """
    const bint EGGFAST_LITTLE_ENDIAN
    const uint64_t _ONES "EGGFAST_ONES"
    const uint64_t _HIGHS "EGGFAST_HIGHS"
    const uint64_t _SLASHES "EGGFAST_SLASHES"
    const uint64_t _PCTS "EGGFAST_PCTS"
    uint64_t _byte_bits8 "eggfast_byte_bits8"(uint64_t w, uint64_t pattern) nogil
    uint64_t _slash_bits16 "eggfast_slash_bits16"(const unsigned char* p, uint64_t* pct) nogil
    uint64_t _load64 "eggfast_load64"(const void* p) nogil
    int _ctz64 "eggfast_ctz64"(uint64_t x) nogil

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
    raise ImportError("eggfast.router._matcher_c: MAX_CAPTURES differs from the pure twin")

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



ctypedef struct _State:
    int kind
    bint ascii
    bint fast           # 1-byte kind, little-endian, 8+ characters: word loads
    bint bitmap         # fast and <= 63 characters: slashes is set
    uint64_t slashes    # bit i: path[i] is '/', and bit end
    bint pct            # bitmap: the path has a '%'
    void* data
    Py_ssize_t size     # len(path): the bound for word loads
    Py_ssize_t end      # len(path) less a trailing '/'
    int code
    PyObject* method
    PyObject* path
    int ncap
    Py_ssize_t cs[MAXCAP]
    Py_ssize_t ce[MAXCAP]


cdef void _words_slow(int kind, const void* data, Py_ssize_t s, Py_ssize_t n,
                      uint64_t* pa, uint64_t* pb) noexcept:
    """The first and the last 8 code points of ``data[s:s+n]`` as two words.

    Low 8 bits of each code point, little-endian order, zero-padded; both words
    are the same when ``n <= 8``.  For 1-byte strings the words hold the whole
    characters, so for ``n <= 16`` equal lengths and words mean equal segments.
    Used for the keys and for paths that ``_State.fast`` does not cover;
    ``_find_static`` computes the same words with 8-byte loads.
    """
    cdef uint64_t a = 0, b = 0
    cdef Py_ssize_t i, k = 8 if n > 8 else n
    cdef const unsigned char* p = <const unsigned char*>data
    if kind == 1:
        for i in range(k):
            a |= <uint64_t>p[s + i] << (8 * i)
            b |= <uint64_t>p[s + n - k + i] << (8 * i)
    else:
        for i in range(k):
            a |= <uint64_t>(PyUnicode_READ(kind, <void*>data, s + i) & 0xFF) << (8 * i)
            b |= <uint64_t>(PyUnicode_READ(kind, <void*>data, s + n - k + i) & 0xFF) << (8 * i)
    pa[0] = a
    pb[0] = b


cdef inline uint64_t _mix(uint64_t a, uint64_t b, Py_ssize_t n) noexcept:
    """Hash of a segment's words; a table takes its top bits (one multiply)."""
    return (a ^ (b * <uint64_t>0xC2B2AE3D27D4EB4F) ^ <uint64_t>n) * <uint64_t>0x9E3779B97F4A7C15


cdef Py_ssize_t _seg_end_slow(_State* st, Py_ssize_t s) noexcept:
    cdef const unsigned char* p
    if st.kind == 1:
        p = <const unsigned char*>st.data
        while s < st.end and p[s] != 47:
            s += 1
        return s
    while s < st.end and PyUnicode_READ(st.kind, st.data, s) != 47:
        s += 1
    return s


cdef inline void _map_slashes(_State* st) noexcept:
    """Set ``st.slashes`` and ``st.pct`` for a fast path of <= 63 characters.

    PERF: one pass over the path (16 bytes a step with SSE2), then every
    segment end is a shift and a count-trailing-zeros in _seg_end, with no
    loop or branch per segment (~35 instructions per github match less than a
    scan per segment, net of building the map, callgrind); the same loads tell whether the path has a
    '%' (a memchr call less, ~12).  Loads stay inside the string: the last
    block is read ending at its last character.
    """
    cdef const unsigned char* p = <const unsigned char*>st.data
    cdef Py_ssize_t i = 0, size = st.size
    cdef uint64_t bits = 0, pct = 0, lo, hi
    if size >= 16:
        while i + 16 <= size:
            bits |= _slash_bits16(p + i, &pct) << i
            i += 16
        if i < size:
            bits |= _slash_bits16(p + size - 16, &pct) << (size - 16)
    else:
        lo = _load64(p)
        hi = _load64(p + size - 8)
        bits = _byte_bits8(lo, _SLASHES) | (_byte_bits8(hi, _SLASHES) << (size - 8))
        pct = _byte_bits8(lo, _PCTS) | _byte_bits8(hi, _PCTS)
    st.slashes = bits | (<uint64_t>1 << st.end)
    st.pct = pct != 0


cdef inline Py_ssize_t _seg_end(_State* st, Py_ssize_t s) noexcept:
    """Index of the next '/' at or after ``s``, or ``st.end``.

    An ASCII path of <= 63 characters reads its map of slashes (the bit at
    ``end`` is set, and a '/' at or past ``end`` can only be that one).
    PERF: a longer ASCII path is scanned 8 bytes a word (SWAR zero-byte test
    on ``w ^ '////////'``; the lowest flagged byte is exact), and the last < 8
    bytes with one more load that stays inside the string, instead of a byte
    loop (~150 instructions per github match, callgrind).
    """
    cdef Py_ssize_t end = st.end, q, r
    cdef const unsigned char* p = <const unsigned char*>st.data
    cdef uint64_t w, t
    if st.bitmap:
        return s + _ctz64(st.slashes >> s)
    if not st.fast:
        return _seg_end_slow(st, s)
    while s + 8 <= end:
        w = _load64(p + s) ^ _SLASHES
        t = (w - _ONES) & ~w & _HIGHS
        if t:
            return s + (_ctz64(t) >> 3)
        s += 8
    if s >= end:
        return end
    # s < end <= size: the load at q covers s..s+7 (or up to size)
    q = s if s + 8 <= st.size else st.size - 8
    w = (_load64(p + q) >> (8 * (s - q))) ^ _SLASHES
    t = (w - _ONES) & ~w & _HIGHS
    if t:
        r = s + (_ctz64(t) >> 3)
        if r < end:
            return r
    return end


cdef struct _CNode


ctypedef struct _Entry:
    # one static child: its key's length (-1: an empty table slot), end words,
    # characters, node
    uint64_t a
    uint64_t b
    Py_ssize_t length
    int kind
    bint quick          # 1-byte kind and <= 16 characters: equal words are enough
    const void* data    # the key's characters (the key str is kept alive by the _Node)
    _CNode* child


cdef struct _CNode:
    # one tree node as plain C data; every pointer is borrowed from its _Node
    Py_ssize_t nstatic
    _Entry* entries     # the static children, or for more than SMALL_STATIC of them
    Py_ssize_t nentries # an open addressing table of nentries (a power of 2) slots
    bint hashed
    Py_ssize_t mask
    int shift           # 64 - log2(table size)
    Py_ssize_t nparams
    PyObject** prx      # NULL where no regex
    _CNode** pchild
    _CNode* wild        # the wildcard child when it has a leaf, else NULL
    bint fork           # params or a wildcard: a static dead end falls back here
    Py_ssize_t mroute[8]  # route per method code; all -1 without a leaf
    PyObject* methods   # the leaf's method dict; NULL without a leaf
    PyObject* allowed   # the leaf's allowed methods; NULL without a leaf


@cython.final
cdef class _Node:
    """Owns one ``_CNode`` and everything its pointers borrow."""

    cdef _CNode c
    cdef list keep

    def __dealloc__(self):
        free(self.c.entries)
        free(self.c.prx)
        free(self.c.pchild)


cdef enum:
    SMALL_STATIC = 2    # up to this many static children: compare, no table


cdef _Node _build(tuple node):
    cdef _Node out = _Node.__new__(_Node)
    cdef _Node sub
    cdef _CNode* c = &out.c
    cdef dict static = node[0]
    cdef Py_ssize_t i, n, size, slot
    cdef int bits
    cdef uint64_t a, b
    cdef _Entry* e
    cdef list keys = []
    cdef list children = []
    cdef list rxs = []
    cdef list pchildren = []
    out.keep = [keys, children, rxs, pchildren]
    for key, child in static.items():
        if type(key) is not str:
            raise TypeError("route table: static keys must be str")
        keys.append(key)
        children.append(_build(child))
    n = len(keys)
    c.nstatic = n
    # PERF: the table holds the entries themselves (no index array to go
    # through): ~20 instructions less per github match (callgrind)
    size = n
    bits = 0
    c.hashed = n > SMALL_STATIC
    if c.hashed:
        size = 4
        bits = 2
        while size < 2 * n:
            size *= 2
            bits += 1
        c.mask = size - 1
        c.shift = 64 - bits
    c.nentries = size
    if size:
        c.entries = <_Entry*>calloc(size, sizeof(_Entry))
        if c.entries is NULL:
            raise MemoryError()
    for i in range(size):
        c.entries[i].length = -1
    for i in range(n):
        key = keys[i]
        sub = children[i]
        _words_slow(PyUnicode_KIND(key), PyUnicode_DATA(key), 0, PyUnicode_GET_LENGTH(key), &a, &b)
        slot = i
        if c.hashed:
            slot = <Py_ssize_t>(_mix(a, b, PyUnicode_GET_LENGTH(key)) >> c.shift)
            while c.entries[slot].length >= 0:
                slot = (slot + 1) & c.mask
        e = &c.entries[slot]
        e.a = a
        e.b = b
        e.length = PyUnicode_GET_LENGTH(key)
        e.kind = PyUnicode_KIND(key)
        e.quick = e.kind == 1 and e.length <= 16
        e.data = PyUnicode_DATA(key)
        e.child = &sub.c
    for rx, child in node[1]:
        rxs.append(rx)
        pchildren.append(_build(child))
    c.nparams = len(rxs)
    if c.nparams:
        c.prx = <PyObject**>malloc(c.nparams * sizeof(PyObject*))
        c.pchild = <_CNode**>malloc(c.nparams * sizeof(_CNode*))
        if c.prx is NULL or c.pchild is NULL:
            raise MemoryError()
        for i in range(c.nparams):
            rx = rxs[i]
            sub = pchildren[i]
            c.prx[i] = NULL if rx is None else <PyObject*>rx
            c.pchild[i] = &sub.c
    if node[2] is not None:
        sub = _build(node[2])
        out.keep.append(sub)
        if sub.c.allowed is not NULL:
            c.wild = &sub.c
    c.fork = c.nparams > 0 or c.wild is not NULL
    leaf = node[3]
    if leaf is not None:
        methods = dict(leaf[0])
        allowed = leaf[2]
        out.keep.append(methods)
        out.keep.append(allowed)
        c.methods = <PyObject*>methods
        c.allowed = <PyObject*>allowed
        for i in range(7):
            c.mroute[i] = methods.get(_METHOD_NAMES[i], leaf[1])
        c.mroute[M_OTHER] = leaf[1]
    else:
        for i in range(8):
            c.mroute[i] = -1
    return out


cdef bint _same(_Entry* e, _State* st, Py_ssize_t s, Py_ssize_t n) noexcept:
    """``path[s:s+n]`` equals the key of ``e`` (its length and words already do)."""
    cdef Py_ssize_t i
    if e.kind == st.kind:
        return memcmp(e.data, <const char*>st.data + s * st.kind, n * st.kind) == 0
    for i in range(n):
        if PyUnicode_READ(e.kind, <void*>e.data, i) != PyUnicode_READ(st.kind, st.data, s + i):
            return False
    return True


cdef inline _CNode* _find_static(_CNode* node, _State* st, Py_ssize_t s, Py_ssize_t n) noexcept:
    """The static child for ``path[s:s+n]``, or NULL.

    PERF: the length and the two end words are compared first, so a 1-byte
    key of <= 16 characters is settled by three integer compares, no memcmp
    call; a node with one or two static children skips the hash and the table.
    """
    cdef uint64_t a = 0, b
    cdef Py_ssize_t slot, i, q
    cdef _Entry* e
    cdef const unsigned char* p = <const unsigned char*>st.data
    if st.fast:
        if n >= 8:
            a = _load64(p + s)
            b = _load64(p + s + n - 8)
        else:
            if n > 0:
                # one load inside the string, shifted and masked to the n bytes
                q = s if s + 8 <= st.size else st.size - 8
                a = (_load64(p + q) >> (8 * (s - q))) & ((<uint64_t>1 << (8 * n)) - 1)
            b = a
    else:
        _words_slow(st.kind, st.data, s, n, &a, &b)
    if not node.hashed:
        for i in range(node.nstatic):
            e = &node.entries[i]
            if e.length == n and e.a == a and e.b == b and (
                    (e.quick and st.kind == 1) or _same(e, st, s, n)):
                return e.child
        return NULL
    slot = <Py_ssize_t>(_mix(a, b, n) >> node.shift)
    while True:
        e = &node.entries[slot]
        if e.length == n and e.a == a and e.b == b and (
                (e.quick and st.kind == 1) or _same(e, st, s, n)):
            return e.child
        if e.length < 0:
            return NULL
        slot = (slot + 1) & node.mask


cdef _CNode* _find_static_slow(_CNode* node, _State* st, Py_ssize_t s, Py_ssize_t n) noexcept:
    """``_find_static`` by a plain scan, for the cold 405 walk.

    PERF: keeps ``_find_static`` and ``_seg_end`` to one call site each, so
    the C compiler inlines them into ``_walk`` (~20 instructions per github
    match, callgrind).
    """
    cdef Py_ssize_t i
    cdef _Entry* e
    for i in range(node.nentries):
        e = &node.entries[i]
        if e.length == n and _same(e, st, s, n):
            return e.child
    return NULL


cdef inline Py_ssize_t _leaf_route(_CNode* node, _State* st) except? -2:
    cdef PyObject* found
    if st.code != M_OTHER:
        return node.mroute[st.code]
    if node.methods is NULL:
        return -1
    found = PyDict_GetItemWithError(<object>node.methods, <object>st.method)
    if found is NULL:
        return node.mroute[M_OTHER]
    return <Py_ssize_t><object>found


cdef bint _rx_ok(PyObject* rx, _State* st, Py_ssize_t s, Py_ssize_t e) except -1:
    return (<object>rx).fullmatch(PyUnicode_Substring(<object>st.path, s, e)) is not None


cdef Py_ssize_t _walk(_CNode* node, _State* st, Py_ssize_t pos) except -2:
    """``pos`` is the '/' before the next segment, or ``st.end`` when done.

    Returns the route index, or -1 with ``st.ncap`` possibly past the captures
    it had on entry: every call site that can fall back restores its own count.

    PERF: the last alternative of a node (its static child when it has no
    params or wildcard, its last param when it has no wildcard) is taken by
    looping, not by a call, so a static chain costs no recursion: a github
    match is one _walk call.  With the C structs, word compares and SWAR scan
    this took the walk from ~650 to ~420 instructions per github match
    (callgrind).
    """
    cdef Py_ssize_t found, s, e, i, last
    cdef int saved
    cdef _CNode* child
    cdef bint descend
    while True:
        if pos == st.end:
            return _leaf_route(node, st)
        s = pos + 1
        e = _seg_end(st, s)
        if node.nstatic:
            child = _find_static(node, st, s, e - s)
            if child is not NULL:
                if not node.fork:
                    node = child
                    pos = e
                    continue
                saved = st.ncap
                found = _walk(child, st, e)
                if found >= 0:
                    return found
                st.ncap = saved
        descend = False
        if e > s and node.nparams:
            last = node.nparams - 1 if node.wild is NULL else -1
            for i in range(node.nparams):
                if node.prx[i] is not NULL and not _rx_ok(node.prx[i], st, s, e):
                    continue
                st.cs[st.ncap] = s
                st.ce[st.ncap] = e
                saved = st.ncap
                st.ncap += 1
                if i == last:
                    descend = True
                    break
                found = _walk(node.pchild[i], st, e)
                if found >= 0:
                    return found
                st.ncap = saved
            if descend:
                node = node.pchild[last]
                pos = e
                continue
        if node.wild is not NULL and st.end > s:
            found = _leaf_route(node.wild, st)
            if found >= 0:
                st.cs[st.ncap] = s
                st.ce[st.ncap] = st.end
                st.ncap += 1
                return found
        return -1


cdef int _allow(_CNode* node, _State* st, Py_ssize_t pos, set out) except -1:
    cdef Py_ssize_t s, e, i
    cdef _CNode* child
    if pos == st.end:
        if node.allowed is not NULL:
            out.update(<object>node.allowed)
        return 0
    s = pos + 1
    e = _seg_end_slow(st, s)
    child = _find_static_slow(node, st, s, e - s)
    if child is not NULL:
        _allow(child, st, e, out)
    if e > s:
        for i in range(node.nparams):
            if node.prx[i] is NULL or _rx_ok(node.prx[i], st, s, e):
                _allow(node.pchild[i], st, e, out)
    if node.wild is not NULL and st.end > s:
        out.update(<object>node.wild.allowed)
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
    """Walks one frozen route table; results as in eggfast.router._matcher_py."""

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
        st.size = n
        st.fast = st.kind == 1 and EGGFAST_LITTLE_ENDIAN and n >= 8
        if n > 1 and PyUnicode_READ(st.kind, st.data, n - 1) == 47:
            n -= 1
        st.end = n
        st.bitmap = st.fast and st.size <= 63
        if st.bitmap:
            _map_slashes(&st)
        st.code = _method_code(<str>method)
        st.method = <PyObject*>method
        st.path = <PyObject*>path
        st.ncap = 0
        cdef Py_ssize_t index
        cdef Py_ssize_t start = n if n == 1 else 0
        index = _walk(&self.root.c, &st, start)
        cdef tuple names
        cdef dict params
        cdef Py_ssize_t i
        cdef object value
        cdef bint pct
        if index >= 0:
            route = self.route_objs[index]
            names = <tuple>self.names[index]
            params = _PyDict_NewPresized(st.ncap)
            # PERF: one '%' test over the whole path (from the slash map when
            # there is one); most paths have none, so the values need no test
            # each (~10 instructions per github match with memchr, ~20 more
            # with the map).
            pct = st.ncap and (st.pct if st.bitmap else _has_pct(&st, 0, st.size))
            for i in range(st.ncap):
                value = _substring(path, &st, st.cs[i], st.ce[i])
                if pct and _has_pct(&st, st.cs[i], st.ce[i]):
                    value = _decode(value)
                    if value is None:
                        return (route, None, None)
                params[names[i]] = value
            # PERF: no PyObject_GC_UnTrack on the result any more: freeing it
            # takes back its count toward the next gen-0 collection, so it does
            # not bring one on (0 collections in 400k github matches), and the
            # call cost ~13 instructions per match (callgrind).
            return (route, params, None)
        cdef set allowed = set()
        _allow(&self.root.c, &st, start, allowed)
        if not allowed:
            return _MISS
        return (None, None, tuple(sorted(allowed)))
