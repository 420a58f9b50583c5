"""Single-process mode: the agent and the application in one process, linked.

    app = await eggfast.start(base_dir="examples/hello", port=7001)
    ...
    await app.close()        # stops the server, runs before_close, closes the agent

Order: the agent loads and becomes ready, then the app loads and becomes
ready, then (with a ``port``) the server starts, the app's then the agent's
``server_did_ready`` hooks run and ``egg-ready`` is broadcast on the
messenger.  ``app.agent`` and ``agent.application`` link the two; their
messengers share one hub, so ``send_to_agent`` / ``send_to_app`` work as in a
cluster.  The framework is ``framework=`` or ``eggfast.toml`` ``[app]
framework``: an importable package exporting ``Application`` and ``Agent``
subclasses (a path is accepted too: its parent folder is put on
``sys.path``).
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any, Optional

from eggfast.loader.app_info import read_toml
from eggfast.errors import ConfigError
from eggfast.loader.file_loader import one_line
from eggfast.egg.messenger import MessageHub, Messenger

__all__ = ["start", "resolve_framework"]


def resolve_framework(base_dir: Any, framework: Optional[str] = None) -> tuple[type, type]:
    """``(Application, Agent)`` classes of the framework the app uses."""
    from eggfast.egg.agent import Agent
    from eggfast.egg.application import Application

    base = Path(base_dir).resolve()
    source = "--framework"
    if not framework:
        toml = base / "eggfast.toml"
        framework = (read_toml(toml).get("app") or {}).get("framework")
        source = str(toml)
    if not framework:
        return Application, Agent
    name = str(framework)
    if "/" in name or name.startswith("."):
        path = Path(name)
        if not path.is_absolute():
            path = (base / path).resolve()
        if not path.is_dir():
            raise ConfigError(f"{source}: framework path {path} is not a directory")
        if str(path.parent) not in sys.path:
            sys.path.insert(0, str(path.parent))
        name = path.name
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise ConfigError(f"{source}: framework {framework!r} cannot be imported ({one_line(exc)}); "
                          f"pip install it or fix the name") from exc
    except ConfigError:
        raise
    except Exception as exc:  # a framework whose own import fails: still one line naming the source
        raise ConfigError(f"{source}: importing framework {framework!r} failed: "
                          f"{type(exc).__name__}: {one_line(exc)}") from exc
    app_cls = getattr(module, "Application", None)
    agent_cls = getattr(module, "Agent", None)
    if not (isinstance(app_cls, type) and issubclass(app_cls, Application)):
        raise ConfigError(f"{source}: framework {framework!r} should define Application "
                          f"(a subclass of eggfast.Application)")
    if not (isinstance(agent_cls, type) and issubclass(agent_cls, Agent)):
        raise ConfigError(f"{source}: framework {framework!r} should define Agent (a subclass of eggfast.Agent)")
    return app_cls, agent_cls


async def start(
    base_dir: Any = ".",
    *,
    env: Optional[str] = None,
    port: Optional[int] = None,
    host: str = "127.0.0.1",
    framework: Optional[str] = None,
    plugins: Optional[dict] = None,
    **options: Any,
) -> Any:
    """Build agent + app in this process; serve on ``host:port`` when ``port`` is given."""
    app_cls, agent_cls = resolve_framework(base_dir, framework)
    hub = MessageHub()
    agent = agent_cls(base_dir=base_dir, env=env, plugins=plugins, messenger=Messenger("agent", hub), **options)
    try:
        await agent.ready()
        app = app_cls(base_dir=base_dir, env=env, plugins=plugins, messenger=Messenger("app", hub), **options)
    except BaseException:
        await agent.close()
        raise
    app.agent = agent
    agent.application = app
    app._owns_agent = True
    try:
        await app.ready()
        if port is not None:
            app._owns_server = True
            await app.create_server(host, port)
            await agent.server_did_ready()
            app.messenger.broadcast("egg-ready", {"port": app.server.port if app.server else port})
    except BaseException:
        await app.close()
        raise
    return app
