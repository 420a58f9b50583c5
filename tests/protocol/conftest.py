"""Fixtures for the protocol tests: ``make_conn`` builds a twin on a mock transport."""
from __future__ import annotations

from typing import Any, Callable, Optional

import pytest

from wire import Conn, echo_handler

from eggfast.server.limits import ServerLimits


@pytest.fixture
def make_conn(protocol_twin) -> Callable[..., Conn]:
    def factory(handler: Optional[Callable] = None, **limits: Any) -> Conn:
        return Conn(protocol_twin.HttpProtocol, handler or echo_handler, ServerLimits(**limits))

    return factory
