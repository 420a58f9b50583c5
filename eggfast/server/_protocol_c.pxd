# Typed layout of eggfast.server._protocol_c, the compiled twin of eggfast.server._protocol_py (Cython's
# "augmenting .pxd", as aiohttp's _websocket/reader_c.pxd): setup.py compiles
# the very source of the pure twin as eggfast.server._protocol_c, with the classes
# below turned into extension types.  One source, so the twins cannot drift.

cimport cython

cdef class HttpProtocol

# Module tables read on every request: typed so lookups are direct dict calls.
cdef dict _HEADER_KEYS
cdef dict _COMMON_KEYS
cdef str _HOST_KEY
cdef Py_ssize_t _HEADER_KEYS_LIMIT
cdef Py_ssize_t _LEARNED_NAME_MAX
cdef dict _METHOD_NAMES
cdef bytes _V11_LINE_END
cdef bytes _V10_LINE_END
cdef bytes _GET_PREFIX
cdef Py_ssize_t _COPY_MAX
cdef bytes _CRLF

cpdef object version_at(bytes data, Py_ssize_t end)
@cython.locals(start=Py_ssize_t)
cpdef object request_line_version(bytes data, bytes method, bytes url)
cpdef str http_date()
cpdef bytes date_line()
cpdef Py_ssize_t header_keys_size()


cdef class RawRequest:
    cdef public object method
    cdef public object target
    cdef public object version
    cdef public object headers
    cdef public object body
    cdef public object peername
    cdef public object sockname
    cdef public object tls
    cdef public object keep_alive


cdef class BodyReader:
    cdef public HttpProtocol _protocol
    cdef public object length
    cdef public object _chunks
    cdef public Py_ssize_t _buffered
    cdef public bint _complete
    cdef public object _error
    cdef public object _waiter
    cdef public bint _expect_continue
    cdef public Py_ssize_t received

    cpdef feed(self, data)
    cpdef feed_eof(self)
    cpdef set_error(self, exc)
    cpdef _wake(self)


cdef class ResponseWriter:
    cdef public HttpProtocol _protocol
    cdef public RawRequest _request
    cdef public bint _head_only
    cdef public bint _chunked
    cdef public bint _no_body
    cdef public bint headers_sent
    cdef public bint finished
    cdef public bint keep_alive

    @cython.locals(n=Py_ssize_t, out=list)
    cpdef bytes _head(self, status, reason, list headers, length)
    @cython.locals(n=Py_ssize_t, size=Py_ssize_t, stated=bint)
    cpdef bint _send_whole(self, status, reason, headers, body) except -1
    cpdef bytes _server_lines(self)
    cpdef send(self, status, reason, headers, body)
    cpdef start(self, status, reason, headers)
    cpdef end(self)
    cpdef abort(self)


cdef class HttpProtocol:
    cdef public object handler
    cdef public object loop
    cdef public object limits
    cdef public object tracker
    cdef public object transport
    cdef public bint closed
    cdef public object _parser
    cdef public list _queue
    cdef public object _task
    cdef public object _idle_waiter
    cdef public bint _busy
    cdef public ResponseWriter _current_writer
    cdef public BodyReader _current_body
    cdef public object _peername
    cdef public object _sockname
    cdef public bint _tls
    cdef public bint _reading_paused
    cdef public bint _writing_paused
    cdef public object _drain_waiter
    cdef public object _send_timer
    cdef public Py_ssize_t _send_left
    cdef public double _send_moved_at
    cdef public double _send_timeout
    cdef public object _timer
    cdef public int _timer_kind
    cdef public double _deadline
    cdef public double _timer_when
    cdef public bint _in_head
    cdef public object _error
    cdef public bint _stop_parsing
    cdef public bint _closing
    cdef public bint _lingering
    cdef public bytes _url
    cdef public dict _headers
    cdef public Py_ssize_t _header_count
    cdef public Py_ssize_t _head_size
    cdef public Py_ssize_t _head_bytes
    cdef public Py_ssize_t _host_count
    cdef public Py_ssize_t _max_headers
    cdef public Py_ssize_t _max_header_size
    cdef public Py_ssize_t _max_request_line
    cdef public Py_ssize_t _max_head_bytes
    cdef public Py_ssize_t _max_pipelined
    cdef public double _header_timeout
    cdef public double _keep_alive_timeout
    cdef public bytes _line_start

    # httptools calls these by name; typed so that decoding is a direct C call
    cpdef on_url(self, bytes url)
    @cython.locals(key=str, text=str, headers=dict)
    cpdef on_header(self, bytes name, bytes value)
    @cython.locals(method=bytes, method_name=str, headers=dict, line=bytes)
    cpdef on_headers_complete(self)

    cpdef write(self, data)
    cpdef writelines(self, tuple parts)
    cpdef _close(self)
    cpdef _arm(self, int kind, double delay)
    cpdef _disarm(self, int kind)
    cpdef _pause_reading(self)
    cpdef _maybe_resume_reading(self)
    cpdef body_wanted(self)
    cpdef body_consumed(self)
    cpdef _run_next(self)
    cpdef bint may_keep_alive(self)
