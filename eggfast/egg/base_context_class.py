"""Bases of the per-request classes: ``Controller``, ``Service`` (SPEC §9).

Each instance is bound to one request: ``self.ctx``, ``self.app``,
``self.config``, ``self.service`` (``ctx.service``) and ``self.logger`` (the
context logger, each line tagged with the class's path such as
``[controller.home]``).  The loader stamps ``path_name`` (``service.user``)
and ``full_path`` (the file) on every loaded class.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from eggfast.logger.context_logger import class_logger as _class_logger

if TYPE_CHECKING:
    # Written by `eggfast typings` into the app's typings/ folder: the app's services,
    # config, context and application.  Absent, these names are Any (as at run time).
    from eggfast_app_typings import (  # type: ignore[import-not-found, unused-ignore]
        AppApplication,
        AppConfig,
        AppContext,
        AppServices,
    )

__all__ = ["BaseContextClass", "Controller", "Service", "Subscription"]


class BaseContextClass:
    """Gives ``ctx, app, config, service, logger`` to a per-request object."""

    #: stamped by the loader: ``"controller.home"``, ``"service.user"``
    path_name: str = ""
    #: stamped by the loader: the file the class was loaded from
    full_path: str = ""

    def __init__(self, ctx: Any) -> None:
        self.ctx: AppContext = ctx
        self.app: AppApplication = ctx.app
        self.config: AppConfig = ctx.app.config

    @property
    def service(self) -> AppServices:
        """``ctx.service``: typed as the app's services once ``eggfast typings`` ran."""
        return self.ctx.service

    @property
    def logger(self) -> Any:
        """The context logger tagged with ``[path_name]``, built on first use and cached.

        The cache lives on this instance only (never on ``ctx``): the instance
        already holds ``ctx``, so caching there adds no ``ctx`` <-> logger cycle.
        """
        try:
            return self.__dict__["_logger"]
        except KeyError:
            pass
        logger = getattr(self.ctx, "logger", None) or logging.getLogger("eggfast.app")
        if self.path_name:
            logger = _class_logger(self.ctx, self.path_name, logger)
        self.__dict__["_logger"] = logger
        return logger


class Controller(BaseContextClass):
    """Base of class controllers: one instance per request; actions are ``async def name(self)``."""


class Service(BaseContextClass):
    """Base of services: created lazily, once per request, on first ``ctx.service.<name>``."""


class Subscription(BaseContextClass):
    """Base of class-style schedule tasks (``async def subscribe(self)``); run by the schedule plugin."""
