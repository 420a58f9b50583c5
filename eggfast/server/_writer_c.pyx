# cython: language_level=3, annotation_typing=False, boundscheck=False, wraparound=False
"""Compiled twin of eggfast.server._writer_py: the same bytes, or the same error, for every input.

The head is assembled in one growing C buffer; the body is copied once, from
the caller's bytes straight into the result.  A ``str`` whose storage is
one byte per character (PyUnicode kind 1) is latin-1 already, so it is
validated and copied byte by byte without encoding; anything wider holds a
character outside latin-1 and is refused, as the pure twin refuses it.
"""
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.unicode cimport PyUnicode_Check
from libc.string cimport memcpy

from eggfast.errors import InvalidHeaderError
from eggfast.http.hdrs import STATUS_REASONS
from eggfast.server._writer_py import _check_value as _py_check_value

cdef extern from "Python.h":
    int PyUnicode_KIND(object u)
    void* PyUnicode_DATA(object u)
    Py_ssize_t PyUnicode_GET_LENGTH(object u)
    int PyUnicode_1BYTE_KIND

# 1 for the bytes allowed in a header name (RFC 9110 token).
cdef unsigned char TOKEN[256]
# 1 for the bytes allowed in a header value or reason: tab, 0x20-0x7e, 0x80-0xff.
cdef unsigned char VALUE[256]


cdef void _init_tables():
    cdef int i
    for i in range(256):
        TOKEN[i] = 0
        VALUE[i] = 1 if (i == 9 or (0x20 <= i < 0x7F) or i >= 0x80) else 0
    for ch in b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        TOKEN[<unsigned char>ch] = 1


_init_tables()

cdef dict _STATUS_LINES = {}


cdef struct Buf:
    char* data
    Py_ssize_t size
    Py_ssize_t cap


cdef int _reserve(Buf* buf, Py_ssize_t extra) except -1:
    cdef Py_ssize_t need = buf.size + extra
    cdef char* grown
    if need <= buf.cap:
        return 0
    while buf.cap < need:
        buf.cap *= 2
    grown = <char*>PyMem_Realloc(buf.data, buf.cap)
    if grown == NULL:
        raise MemoryError()
    buf.data = grown
    return 0


cdef int _put(Buf* buf, const char* src, Py_ssize_t n) except -1:
    _reserve(buf, n)
    memcpy(buf.data + buf.size, src, n)
    buf.size += n
    return 0


cdef int _put_name(Buf* buf, object name) except -1:
    cdef Py_ssize_t n, i
    cdef unsigned char* p
    if not PyUnicode_Check(name) or PyUnicode_KIND(name) != PyUnicode_1BYTE_KIND:
        raise InvalidHeaderError(f"Invalid header name {name!r}")
    n = PyUnicode_GET_LENGTH(name)
    p = <unsigned char*>PyUnicode_DATA(name)
    if n == 0:
        raise InvalidHeaderError(f"Invalid header name {name!r}")
    for i in range(n):
        if not TOKEN[p[i]]:
            raise InvalidHeaderError(f"Invalid header name {name!r}")
    _put(buf, <char*>p, n)
    return 0


cdef int _put_value(Buf* buf, object name, object value) except -1:
    cdef Py_ssize_t n, i
    cdef unsigned char* p
    if PyUnicode_KIND(value) != PyUnicode_1BYTE_KIND:
        _py_check_value(name, value)  # raises the pure twin's exact error
        raise InvalidHeaderError(f"Invalid character in header {name!r}")  # pragma: no cover
    n = PyUnicode_GET_LENGTH(value)
    p = <unsigned char*>PyUnicode_DATA(value)
    for i in range(n):
        if not VALUE[p[i]]:
            _py_check_value(name, value)
            raise InvalidHeaderError(f"Invalid character in header {name!r}")  # pragma: no cover
    _put(buf, <char*>p, n)
    return 0


# PERF: the HTTP/1.1 status lines with the standard reason, and those reasons,
# indexed by status code: a response's line is found without hashing a key.
cdef list _LINES_11 = [None] * 1000
cdef list _REASONS = [STATUS_REASONS.get(code) for code in range(1000)]


cpdef bytes status_line(str version, object status, object reason=None):
    """``HTTP/<version> <status> <reason>\\r\\n``; the reason is validated like a value."""
    cdef object line
    cdef Py_ssize_t code
    if type(status) is int and version == "1.1" and 100 <= status <= 999:
        code = status
        if reason is None or reason is _REASONS[code] or reason == _REASONS[code]:
            line = _LINES_11[code]
            if line is None:
                line = _LINES_11[code] = f"HTTP/1.1 {code} {STATUS_REASONS.get(code, '')}\r\n".encode("latin-1")
            return line
    if reason is None or reason == STATUS_REASONS.get(status):
        key = (version, status)
        line = _STATUS_LINES.get(key)
        if line is None:
            if type(status) is not int and not isinstance(status, int) or not 100 <= status <= 999:
                raise InvalidHeaderError(f"invalid status code {status!r}")
            line = f"HTTP/{version} {status} {STATUS_REASONS.get(status, '')}\r\n".encode("latin-1")
            _STATUS_LINES[key] = line
        return line
    if not isinstance(status, int) or not 100 <= status <= 999:
        raise InvalidHeaderError(f"invalid status code {status!r}")
    _py_check_value("status message", reason)
    return f"HTTP/{version} {status} {reason}\r\n".encode("latin-1")


cdef inline int _put_header(Buf* buf, object name, object value) except -1:
    _put_name(buf, name)
    _put(buf, ": ", 2)
    if not PyUnicode_Check(value):
        value = str(value)
    _put_value(buf, name, value)
    _put(buf, "\r\n", 2)
    return 0


cpdef bytes build_head(str version, object status, object reason, object headers):
    """Serialize a response head, validating every name and value first."""
    return build_response(version, status, reason, headers)


cpdef bytes build_response(str version, object status, object reason, object headers, object extra=b"", object body=b""):
    """A whole response: the head (as :func:`build_head`) and then ``body``.

    ``extra`` holds the server's own header lines (framing, Date), already
    serialized and trusted; they follow ``headers``.
    """
    if type(extra) is not bytes:
        extra = bytes(extra)  # bytes-like, as the pure twin's join takes
    if type(body) is not bytes:
        body = bytes(body)
    cdef bytes line = status_line(version, status, reason)
    cdef Buf buf
    cdef Py_ssize_t body_size
    cdef bytes out
    buf.cap = 512
    buf.size = 0
    buf.data = <char*>PyMem_Malloc(buf.cap)
    if buf.data == NULL:
        raise MemoryError()
    try:
        _put(&buf, line, len(line))
        if type(headers) is list:
            # PERF: the usual list of 2-tuples, read without the iterator protocol
            for item in <list>headers:
                if type(item) is tuple and len(<tuple>item) == 2:
                    _put_header(&buf, (<tuple>item)[0], (<tuple>item)[1])
                else:
                    name, value = item
                    _put_header(&buf, name, value)
        else:
            for name, value in headers:
                _put_header(&buf, name, value)
        if len(<bytes>extra):
            _put(&buf, <bytes>extra, len(<bytes>extra))
        _put(&buf, "\r\n", 2)
        body_size = len(<bytes>body)
        if not body_size:
            return PyBytes_FromStringAndSize(buf.data, buf.size)
        out = PyBytes_FromStringAndSize(NULL, buf.size + body_size)
        memcpy(PyBytes_AS_STRING(out), buf.data, buf.size)
        memcpy(PyBytes_AS_STRING(out) + buf.size, <char*><bytes>body, body_size)
        return out
    finally:
        PyMem_Free(buf.data)


cpdef bytes chunk(object data):
    """One chunk of a chunked body (empty data is not allowed here: it ends the body)."""
    return b"%x\r\n%b\r\n" % (len(data), data)
