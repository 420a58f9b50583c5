"""The security plugin must not tie the context into a reference cycle (the core's PERF rule):
a request that reads cookies, plants the secret, makes a token or fails the check is freed at once."""
from __future__ import annotations

import gc

import pytest

from security_helpers import call


@pytest.mark.parametrize("method,url,headers", [
    ("GET", "/", {"cookie": "session=1; theme=dark"}),
    ("GET", "/form", {}),
    ("GET", "/token", {"cookie": "csrfToken=Sx2y7GQw9pXkR3LmN5bV8cT1"}),
    ("POST", "/submit", {"cookie": "csrfToken=Sx2y7GQw9pXkR3LmN5bV8cT1"}),
    ("GET", "/go?to=//evil.com", {}),
])
async def test_requests_leave_no_context_garbage(app, method, url, headers):
    await call(app, method, url, headers=headers)  # warm up: first-use caches
    gc.collect()
    gc.disable()
    try:
        await call(app, method, url, headers=headers)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        leaked = [obj for obj in gc.garbage if isinstance(obj, app.context_class)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert leaked == []
