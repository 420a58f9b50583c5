"""HTTP constants shared by both twins: status reasons, empty statuses, methods."""
from __future__ import annotations

from http import HTTPStatus

#: status code -> reason phrase (Node's STATUS_CODES wording where it differs is not needed).
STATUS_REASONS: dict[int, str] = {s.value: s.phrase for s in HTTPStatus}
STATUS_REASONS.setdefault(418, "I'm a Teapot")
STATUS_REASONS.setdefault(425, "Too Early")

#: statuses that never carry a body (Koa's `statuses.empty`).
EMPTY_STATUSES = frozenset({204, 205, 304})

#: statuses that redirect (Koa's `statuses.redirect`).
REDIRECT_STATUSES = frozenset({300, 301, 302, 303, 305, 307, 308})

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

#: "0" .. "4095", the Content-Length values of small bodies, made once.
#: PERF: a body's length is turned into text up to three times per response.
LENGTH_STRINGS: tuple[str, ...] = tuple(str(n) for n in range(4096))
