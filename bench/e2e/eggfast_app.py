"""The eggfast server of the end-to-end benchmark.

    python bench/e2e/eggfast_app.py PORT [--routes 5000]

Endpoints: ``/`` plaintext, ``/json``, ``/user/:id/post/:pid``.  With
``--routes N`` the router also holds N generated routes (the 5,000-route app).
"""
from __future__ import annotations

import argparse
import logging

from eggfast import Application


async def plaintext(ctx):
    ctx.body = "Hello, World!"


async def json_route(ctx):
    ctx.body = {"message": "Hello, World!"}


async def user_post(ctx):
    params = ctx.params
    ctx.body = {"id": params["id"], "pid": params["pid"]}


def build(extra_routes: int = 0, context_twin=None) -> Application:
    """The benchmark app; ``context_twin`` picks a context twin (default: the active one)."""
    app = Application(silent=True, context_twin=context_twin)
    router = app.router
    for i in range(extra_routes):
        router.get(f"/r{i % 97}/section{i}/:id/item{i % 13}", plaintext)
    router.get("/", plaintext)
    router.get("/json", json_route)
    router.get("/user/:id/post/:pid", user_post)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--routes", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    build(args.routes).listen(args.port, host="127.0.0.1")


if __name__ == "__main__":
    main()
