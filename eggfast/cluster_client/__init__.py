"""cluster-client: one long connection per machine, shared by the agent and every app worker.

Egg's cluster-client pattern (SPEC §13), three layers:

* a **real client** (e.g. :class:`eggfast.cluster_client.registry.RedisRegistryClient`)
  holds the upstream connection and offers ``subscribe(reg, listener)``,
  ``unsubscribe(reg, listener)``, ``publish(reg)``, async methods, ``ready()``
  and ``close()``;
* a :class:`ClusterClient` wraps it: the **leader** process creates the real
  client; the **followers** reach the leader over a local Unix socket;
* an :class:`APIClientBase` subclass is what app code uses.

Election: the leader is whoever holds an exclusive ``flock`` on
``<dir>/<name>.lock``.  The agent creates its client first, so it leads;
when the leader's process dies the kernel releases the lock, a follower
takes it, creates the real client, serves the socket, and every other
follower reconnects and re-subscribes its listeners (app code does not
change).  A new subscriber gets the latest value at once.  Followers send a
heartbeat every ``heartbeat_interval`` seconds; a side silent for three
intervals is dropped (the follower then re-elects).  ``invoke`` has a
timeout and fails with :class:`ClusterClientError` when the leader is lost
mid-call.

Frames are 4-byte big-endian length + orjson, at most 16 MiB.
"""
from __future__ import annotations

import asyncio
import fcntl
import hashlib
import inspect
import logging
import os
import random
import struct
import tempfile
from pathlib import Path
from typing import Any, Callable, Optional

import orjson

__all__ = ["ClusterClient", "APIClientBase", "ClusterClientError", "create_client", "default_dir"]

log = logging.getLogger("eggfast.cluster_client")
_HEADER = struct.Struct(">I")
_MAX_FRAME = 16 * 1024 * 1024


class ClusterClientError(Exception):
    """An invoke failed: the leader raised, the call timed out, or the leader was lost."""


def default_dir(base_dir: Any) -> Path:
    """The directory of an app's sockets and lock files: short (Unix socket paths are limited)."""
    digest = hashlib.sha1(str(Path(base_dir).resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"eggfast-cc-{digest}"


def _key(reg: Any) -> str:
    return orjson.dumps(reg, option=orjson.OPT_SORT_KEYS).decode()


async def _read_frame(reader: asyncio.StreamReader) -> Any:
    size = _HEADER.unpack(await reader.readexactly(4))[0]
    if size > _MAX_FRAME:
        raise ConnectionError(f"frame of {size} bytes is too large")
    return orjson.loads(await reader.readexactly(size))


def _write_frame(writer: asyncio.StreamWriter, frame: Any) -> None:
    body = orjson.dumps(frame)
    writer.write(_HEADER.pack(len(body)) + body)


async def _maybe_await(value: Any) -> Any:
    if inspect.isawaitable(value):
        return await value
    return value


class _Leader:
    """The leader's side: the real client, the latest values, the followers."""

    def __init__(self, owner: "ClusterClient", real: Any) -> None:
        self.owner = owner
        self.real = real
        #: reg key -> latest value
        self.latest: dict[str, Any] = {}
        #: reg key -> the reg, subscribed on the real client
        self.regs: dict[str, Any] = {}
        #: reg key -> set of (connection, sid) of followers
        self.remote: dict[str, set] = {}
        self.connections: set = set()
        self.server: Optional[asyncio.base_events.Server] = None
        self._tasks: set = set()

    def ensure(self, reg: Any) -> str:
        key = _key(reg)
        if key not in self.regs:
            self.regs[key] = reg

            def on_value(value: Any, key: str = key) -> None:
                self.latest[key] = value
                self.owner._dispatch_local(key, value)
                for conn, sid in list(self.remote.get(key, ())):
                    conn.send({"t": "data", "sid": sid, "value": value})

            self.real.subscribe(reg, on_value)
        return key

    async def serve(self, path: Path) -> None:
        if path.exists():
            path.unlink()
        self.server = await asyncio.start_unix_server(self._handle, path=str(path))

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = _Conn(writer)
        self.connections.add(conn)
        timeout = self.owner.heartbeat_interval * 3
        try:
            while True:
                frame = await asyncio.wait_for(_read_frame(reader), timeout)
                kind = frame.get("t")
                if kind == "ping":
                    conn.send({"t": "pong"})
                elif kind == "sub":
                    key = self.ensure(frame["reg"])
                    self.remote.setdefault(key, set()).add((conn, frame["sid"]))
                    if key in self.latest:
                        conn.send({"t": "data", "sid": frame["sid"], "value": self.latest[key]})
                elif kind == "unsub":
                    for subs in self.remote.values():
                        subs.discard((conn, frame["sid"]))
                elif kind == "pub":
                    await _maybe_await(self.real.publish(frame["reg"]))
                elif kind == "invoke":
                    task = asyncio.ensure_future(self._invoke(conn, frame))
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError, OSError):
            pass
        except Exception as exc:  # a bad frame: drop that follower
            log.warning("[cluster-client] %s: bad frame from a follower: %s", self.owner.name, exc)
        finally:
            self.connections.discard(conn)
            for subs in self.remote.values():
                for item in [i for i in subs if i[0] is conn]:
                    subs.discard(item)
            writer.close()

    async def _invoke(self, conn: "_Conn", frame: dict) -> None:
        try:
            value = await self.owner._call_real(frame["method"], frame.get("args") or [])
            conn.send({"t": "result", "id": frame["id"], "ok": True, "value": value})
        except Exception as exc:
            conn.send({"t": "result", "id": frame["id"], "ok": False, "error": f"{type(exc).__name__}: {exc}"})

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
        for conn in list(self.connections):
            conn.writer.close()
        for task in list(self._tasks):
            task.cancel()
        await _maybe_await(self.real.close())


class _Conn:
    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer

    def send(self, frame: Any) -> None:
        if not self.writer.is_closing():
            _write_frame(self.writer, frame)


class ClusterClient:
    """A real client shared across processes: leader (holds it) or follower (talks to the leader).

    Build with :func:`create_client`; ``await client.ready()`` before use.
    """

    def __init__(self, factory: Callable[[], Any], *, name: str, directory: Path,
                 heartbeat_interval: float = 5.0, invoke_timeout: float = 10.0) -> None:
        self.factory = factory
        self.name = name
        self.directory = Path(directory)
        self.heartbeat_interval = heartbeat_interval
        self.invoke_timeout = invoke_timeout
        self.sock_path = self.directory / f"{name}.sock"
        self.lock_path = self.directory / f"{name}.lock"
        #: reg key -> (reg, [listeners])
        self.subs: dict[str, tuple[Any, list]] = {}
        self.leader: Optional[_Leader] = None
        self._lock_fd: Optional[int] = None
        self._reader: Optional[asyncio.StreamReader] = None
        self._writer: Optional[asyncio.StreamWriter] = None
        self._pending: dict[int, asyncio.Future] = {}
        self._sids: dict[str, int] = {}
        #: reg key -> the latest value seen here
        self._seen: dict[str, Any] = {}
        self._ids = 0
        self._connected = asyncio.Event()
        self._closed = False
        self._runner: Optional[asyncio.Task] = None
        #: how many times this process became the leader (1 for the first leader)
        self.elections = 0

    @property
    def is_leader(self) -> bool:
        """True in the process that holds the real client."""
        return self.leader is not None

    async def ready(self, timeout: float = 30.0) -> "ClusterClient":
        """Become leader or connect to the leader (bounded by ``timeout``)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        if self._runner is None:
            self._runner = asyncio.ensure_future(self._run())
        await asyncio.wait_for(self._connected.wait(), timeout)
        return self

    # -- election and the follower loop ---------------------------------------------------
    def _try_lock(self) -> bool:
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_fd = fd
        return True

    async def _become_leader(self) -> None:
        real = self.factory()
        if hasattr(real, "ready"):
            await _maybe_await(real.ready())
        self.leader = _Leader(self, real)
        await self.leader.serve(self.sock_path)
        self.elections += 1
        for key, (reg, _listeners) in self.subs.items():
            self.leader.ensure(reg)
        log.info("[cluster-client] %s: pid %d is the leader", self.name, os.getpid())
        self._connected.set()

    async def _run(self) -> None:
        while not self._closed:
            if self._try_lock():
                try:
                    await self._become_leader()
                except Exception as exc:
                    log.error("[cluster-client] %s: leader start failed: %s", self.name, exc)
                    self._release_lock()
                    await asyncio.sleep(1.0)
                    continue
                return  # the leader leads until it closes
            try:
                reader, writer = await asyncio.open_unix_connection(str(self.sock_path))
            except OSError:
                await asyncio.sleep(0.05 + random.random() * 0.1)
                continue
            self._reader, self._writer = reader, writer
            for key, (reg, _listeners) in self.subs.items():
                _write_frame(writer, {"t": "sub", "sid": self._sid(key), "reg": reg})
            self._connected.set()
            await self._follow(reader, writer)
            self._connected.clear()
            self._reader = self._writer = None
            for fut in self._pending.values():
                if not fut.done():
                    fut.set_exception(ClusterClientError(f"{self.name}: the leader was lost during the call"))
            self._pending.clear()
            if not self._closed:
                log.warning("[cluster-client] %s: leader lost, re-electing", self.name)

    async def _follow(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        heartbeat = asyncio.ensure_future(self._heartbeat(writer))
        try:
            while True:
                frame = await asyncio.wait_for(_read_frame(reader), self.heartbeat_interval * 3)
                kind = frame.get("t")
                if kind == "data":
                    key = next((k for k, s in self._sids.items() if s == frame["sid"]), None)
                    if key is not None:
                        self._dispatch_local(key, frame["value"])
                elif kind == "result":
                    fut = self._pending.pop(frame["id"], None)
                    if fut is not None and not fut.done():
                        if frame.get("ok"):
                            fut.set_result(frame.get("value"))
                        else:
                            fut.set_exception(ClusterClientError(frame.get("error")))
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError, OSError):
            pass
        finally:
            heartbeat.cancel()
            writer.close()

    async def _heartbeat(self, writer: asyncio.StreamWriter) -> None:
        while not writer.is_closing():
            _write_frame(writer, {"t": "ping"})
            await asyncio.sleep(self.heartbeat_interval)

    def _sid(self, key: str) -> int:
        if key not in self._sids:
            self._ids += 1
            self._sids[key] = self._ids
        return self._sids[key]

    def _dispatch_local(self, key: str, value: Any) -> None:
        self._seen[key] = value
        entry = self.subs.get(key)
        if entry is None:
            return
        for listener in list(entry[1]):
            try:
                result = listener(value)
                if inspect.isawaitable(result):
                    asyncio.ensure_future(result)
            except Exception as exc:
                log.error("[cluster-client] %s: listener failed: %s", self.name, exc, exc_info=exc)

    # -- the API ---------------------------------------------------------------------
    def subscribe(self, reg: Any, listener: Callable[[Any], Any]) -> None:
        """Call ``listener(value)`` with every value of ``reg`` (the latest one at once, if known)."""
        key = _key(reg)
        entry = self.subs.get(key)
        first = entry is None
        if first:
            entry = (reg, [])
            self.subs[key] = entry
        entry[1].append(listener)
        if self.leader is not None:
            self.leader.ensure(reg)
            if key in self.leader.latest:
                asyncio.get_running_loop().call_soon(listener, self.leader.latest[key])
        elif first and self._writer is not None:
            _write_frame(self._writer, {"t": "sub", "sid": self._sid(key), "reg": reg})
        elif not first and self._latest_seen(key) is not None:
            asyncio.get_running_loop().call_soon(listener, self._latest_seen(key))

    def _latest_seen(self, key: str) -> Any:
        return self._seen.get(key)

    def unsubscribe(self, reg: Any, listener: Optional[Callable[[Any], Any]] = None) -> None:
        """Stop calling ``listener`` (every listener of ``reg`` when None)."""
        key = _key(reg)
        entry = self.subs.get(key)
        if entry is None:
            return
        if listener is not None and listener in entry[1]:
            entry[1].remove(listener)
        if listener is None or not entry[1]:
            del self.subs[key]
            if self._writer is not None and key in self._sids:
                _write_frame(self._writer, {"t": "unsub", "sid": self._sids[key]})

    async def publish(self, reg: Any) -> None:
        """Publish ``reg`` upstream (through the leader)."""
        if self.leader is not None:
            await _maybe_await(self.leader.real.publish(reg))
            return
        await self._connected.wait()
        assert self._writer is not None
        _write_frame(self._writer, {"t": "pub", "reg": reg})

    async def invoke(self, method: str, *args: Any, timeout: Optional[float] = None) -> Any:
        """Call ``method(*args)`` of the real client in the leader; :class:`ClusterClientError` on failure."""
        limit = self.invoke_timeout if timeout is None else timeout
        if self.leader is not None:
            try:
                return await asyncio.wait_for(self._call_real(method, list(args)), limit)
            except asyncio.TimeoutError:
                raise ClusterClientError(f"{self.name}.{method}: timed out after {limit}s") from None
            except ClusterClientError:
                raise
            except Exception as exc:  # the same error a follower gets
                raise ClusterClientError(f"{type(exc).__name__}: {exc}") from exc
        try:
            await asyncio.wait_for(self._connected.wait(), limit)
        except asyncio.TimeoutError:
            raise ClusterClientError(f"{self.name}.{method}: no leader within {limit}s") from None
        if self.leader is not None:
            return await self.invoke(method, *args, timeout=timeout)
        self._ids += 1
        call_id = self._ids
        fut: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending[call_id] = fut
        assert self._writer is not None
        _write_frame(self._writer, {"t": "invoke", "id": call_id, "method": method, "args": list(args)})
        try:
            return await asyncio.wait_for(fut, limit)
        except asyncio.TimeoutError:
            raise ClusterClientError(f"{self.name}.{method}: timed out after {limit}s") from None
        finally:
            self._pending.pop(call_id, None)

    async def _call_real(self, method: str, args: list) -> Any:
        assert self.leader is not None
        if method.startswith("_") or method in ("subscribe", "unsubscribe", "publish", "close", "ready"):
            raise ClusterClientError(f"{self.name}: method {method!r} cannot be invoked")
        fn = getattr(self.leader.real, method, None)
        if not callable(fn):
            raise ClusterClientError(f"{self.name}: the real client has no method {method!r}")
        return await _maybe_await(fn(*args))

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            try:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            finally:
                os.close(self._lock_fd)
                self._lock_fd = None

    async def close(self) -> None:
        """Close the real client (leader) or the connection (follower); release the leadership."""
        self._closed = True
        if self._runner is not None:
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)
        if self._writer is not None:
            self._writer.close()
        if self.leader is not None:
            await self.leader.close()
            self.leader = None
            try:  # still holding the lock: nobody else serves this path yet
                self.sock_path.unlink()
            except OSError:
                pass
        self._release_lock()


def create_client(factory: Callable[[], Any], *, name: str, base_dir: Any = None, directory: Any = None,
                  heartbeat_interval: float = 5.0, invoke_timeout: float = 10.0) -> ClusterClient:
    """A :class:`ClusterClient` for the real client made by ``factory()`` (only the leader calls it).

    Processes of one app share it when they use the same ``name`` and ``base_dir`` (or ``directory``).
    """
    if not name or "/" in name:
        raise ValueError(f"name must be a non-empty file name, not {name!r}")
    where = Path(directory) if directory is not None else default_dir(base_dir if base_dir is not None else os.getcwd())
    return ClusterClient(factory, name=name, directory=where, heartbeat_interval=heartbeat_interval,
                         invoke_timeout=invoke_timeout)


class APIClientBase:
    """Base of the client app code uses (Egg's APIClientBase): wraps a :class:`ClusterClient`.

    Subclasses set ``name`` and implement ``create_real_client()``; ``self.client`` is the cluster client::

        class RegistryAPI(APIClientBase):
            name = "registry"
            def create_real_client(self):
                return RedisRegistryClient(self.options["redis"])
            def subscribe(self, data_id, listener):
                self.client.subscribe({"data_id": data_id}, listener)
    """

    name: str = ""

    def __init__(self, app: Any = None, **options: Any) -> None:
        self.app = app
        self.options = options
        cc = dict(options.get("cluster") or {})
        base_dir = getattr(app, "base_dir", None) if app is not None else None
        self.client = create_client(self.create_real_client, name=self.name or type(self).__name__.lower(),
                                    base_dir=base_dir, directory=cc.get("directory"),
                                    heartbeat_interval=float(cc.get("heartbeat_interval", 5.0)),
                                    invoke_timeout=float(cc.get("invoke_timeout", 10.0)))

    def create_real_client(self) -> Any:  # pragma: no cover - abstract
        """The real client (called in the leader only)."""
        raise NotImplementedError

    async def ready(self) -> "APIClientBase":
        """Join the cluster (leader or follower)."""
        await self.client.ready()
        return self

    async def close(self) -> None:
        await self.client.close()
