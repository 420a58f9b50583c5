"""HTTP helpers the Koa core uses, each a small module of one purpose.

``hdrs`` (status reasons, methods), ``negotiation`` (Accept*), ``fresh``
(conditional GET), ``mime`` (type lookup), ``vary``, ``encodeurl``,
``content_disposition`` and ``qs`` (nested urlencoded forms, npm ``qs``).
Each follows the npm module Koa uses for the same job.
"""
