"""The HTTP/1.1 server: sockets, the connection protocol and the response writer.

* ``server.py``  ``Server`` (listen, graceful close) and the uvloop event loop
* ``_protocol.py`` selects the connection protocol twin: ``_protocol_py.py``
  (pure) or the same source compiled, typed by ``_protocol_c.pxd``
* ``_writer.py`` selects the response writer twin: ``_writer_py.py`` (pure) or
  ``_writer_c.pyx`` (compiled)
* ``message.py`` the narrow interface between the protocol and the Koa core
* ``limits.py``  ``config["server"]``: limits and timeouts, with defaults

The twin pairs are listed in :mod:`eggfast.twins`.
"""
from eggfast.server.server import Server, install_uvloop, new_event_loop

__all__ = ["Server", "install_uvloop", "new_event_loop"]
