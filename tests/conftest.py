"""Shared fixtures: the twin facade (multidict style) and small helpers.

Every hot path has a fixture parametrized over ``py`` and ``c``; the ``c``
param is marked ``c_extension`` and skipped only when the compiled module is
not importable (``make test`` runs with EGGFAST_REQUIRE_EXTENSIONS=1, where
tests/twins/test_registry.py fails instead).  The runtime switch
EGGFAST_NO_EXTENSIONS does not hide a twin from these fixtures: both twins
run in every session.

``redis_server`` starts one real redis-server per test session on a free
loopback port (``own_redis_server`` one per test); without redis-server the
tests that need it skip saying why, or fail when EGGFAST_REQUIRE_REDIS=1.
"""
from __future__ import annotations

import importlib
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


@dataclass(frozen=True)
class Twin:
    """One implementation of one hot path."""

    hot_path: str
    tag: str  # "py" | "c"
    module: ModuleType

    @property
    def is_pure(self) -> bool:
        return self.tag == "py"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.module, name)


def load_twin(hot_path: str, tag: str) -> Twin:
    """The ``py`` or ``c`` twin of a one-module hot path of :data:`eggfast.twins.TWINS`."""
    from eggfast.twins import BY_HOT_PATH

    pair = BY_HOT_PATH[hot_path]
    (stem,) = pair.stems
    name = pair.pure_module(stem) if tag == "py" else pair.compiled_module(stem)
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        pytest.skip(f"compiled twin {name} not built: {exc}")
    return Twin(hot_path, tag, module)


TWIN_PARAMS = [pytest.param("py", id="py"), pytest.param("c", id="c", marks=pytest.mark.c_extension)]


@pytest.fixture(params=TWIN_PARAMS)
def compose_twin(request) -> Twin:
    return load_twin("compose", request.param)


@pytest.fixture(params=TWIN_PARAMS)
def matcher_twin(request) -> Twin:
    return load_twin("matcher", request.param)


@pytest.fixture(params=TWIN_PARAMS)
def protocol_twin(request) -> Twin:
    return load_twin("protocol", request.param)


@pytest.fixture(params=TWIN_PARAMS)
def writer_twin(request) -> Twin:
    return load_twin("writer", request.param)


@pytest.fixture(params=["py", pytest.param("c", marks=pytest.mark.c_extension)])
def context_twin(request):
    """The ``context`` twin (Context/Request/Response/respond) an app is built on:
    ``Application(context_twin=context_twin)``; both run in every session."""
    from eggfast.twins import select

    twins = select("context")
    if request.param == "py":
        return twins.pure
    if twins.compiled is None:
        pytest.skip("compiled context twin not built")
    return twins.compiled


# -- a real redis-server for the session_redis tests ------------------------------------

REQUIRE_REDIS = os.environ.get("EGGFAST_REQUIRE_REDIS", "").lower() in ("1", "true", "yes", "on")


@dataclass
class RedisServer:
    """A redis-server this test session started (stopped by its PID, never by name)."""

    host: str
    port: int
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def client_config(self) -> dict:
        return {"host": self.host, "port": self.port, "db": 0, "password": None}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def _unavailable(reason: str) -> None:
    """Skip with ``reason``; a failure instead when EGGFAST_REQUIRE_REDIS=1 (``make test``)."""
    if REQUIRE_REDIS:
        pytest.fail(f"EGGFAST_REQUIRE_REDIS=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis_server(workdir: Path) -> RedisServer:
    """Start ``redis-server`` on a free loopback port, without persistence; wait until PING answers."""
    exe = shutil.which("redis-server")
    if exe is None:
        _unavailable("redis-server is not installed (apt-get install redis-server; `make test` installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = workdir / f"redis-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(workdir)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = RedisServer("127.0.0.1", port, process)
    deadline = time.monotonic() + 10
    while not _ping(port):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            _unavailable(f"redis-server did not answer PING on 127.0.0.1:{port}: {' | '.join(tail) or 'no output'}")
        time.sleep(0.02)
    return server


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """One redis-server for the whole test session (tests use distinct key prefixes or flush)."""
    server = start_redis_server(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def own_redis_server(tmp_path):
    """A redis-server for one test, which may stop it (``.stop()``) to see Redis go away."""
    server = start_redis_server(tmp_path)
    yield server
    server.stop()
