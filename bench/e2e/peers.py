"""Peer servers for the end-to-end benchmark, one process each, same endpoints.

    python bench/e2e/peers.py FRAMEWORK PORT [--routes N]

FRAMEWORK: sanic | starlette | blacksheep | falcon | aiohttp.  Every server
answers ``/`` (text), ``/json`` and ``/user/{id}/post/{pid}`` (JSON), on one
process and uvloop where the framework supports it; with ``--routes N`` it
also holds N generated routes like the eggfast app.
"""
from __future__ import annotations

import argparse
import logging


def extra_patterns(n: int, style: str) -> list[str]:
    out = []
    for i in range(n):
        param = {"colon": ":id", "brace": "{id}"}[style]
        out.append(f"/r{i % 97}/section{i}/{param}/item{i % 13}")
    return out


def run_sanic(port: int, routes: int) -> None:
    from sanic import Sanic, response

    app = Sanic("bench")
    app.config.ACCESS_LOG = False

    async def plaintext(request, **kw):
        return response.text("Hello, World!")

    async def json_route(request):
        return response.json({"message": "Hello, World!"})

    async def user_post(request, id, pid):
        return response.json({"id": id, "pid": pid})

    for i, pattern in enumerate(extra_patterns(routes, "brace").__iter__()):
        app.add_route(plaintext, pattern.replace("{id}", "<id>"), name=f"r{i}")
    app.add_route(plaintext, "/", name="plain")
    app.add_route(json_route, "/json", name="json")
    app.add_route(user_post, "/user/<id>/post/<pid>", name="user")
    app.run(host="127.0.0.1", port=port, single_process=True, access_log=False, debug=False, motd=False)


def run_starlette(port: int, routes: int) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route

    async def plaintext(request):
        return PlainTextResponse("Hello, World!")

    async def json_route(request):
        return JSONResponse({"message": "Hello, World!"})

    async def user_post(request):
        p = request.path_params
        return JSONResponse({"id": p["id"], "pid": p["pid"]})

    table = [Route(p, plaintext) for p in extra_patterns(routes, "brace")]
    table += [Route("/", plaintext), Route("/json", json_route), Route("/user/{id}/post/{pid}", user_post)]
    uvicorn.run(Starlette(routes=table), host="127.0.0.1", port=port, log_level="error", access_log=False,
                loop="uvloop", http="httptools")


def run_blacksheep(port: int, routes: int) -> None:
    import uvicorn
    from blacksheep import Application, json, text

    app = Application()

    async def plaintext():
        return text("Hello, World!")

    async def json_route():
        return json({"message": "Hello, World!"})

    async def user_post(id: str, pid: str):
        return json({"id": id, "pid": pid})

    for pattern in extra_patterns(routes, "colon"):
        app.router.add_get(pattern, plaintext)
    app.router.add_get("/", plaintext)
    app.router.add_get("/json", json_route)
    app.router.add_get("/user/:id/post/:pid", user_post)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False, loop="uvloop", http="httptools")


def run_falcon(port: int, routes: int) -> None:
    import falcon.asgi
    import uvicorn

    class Plain:
        async def on_get(self, req, resp, **kw):
            resp.content_type = "text/plain; charset=utf-8"
            resp.text = "Hello, World!"

    class Json:
        async def on_get(self, req, resp):
            resp.media = {"message": "Hello, World!"}

    class User:
        async def on_get(self, req, resp, id, pid):
            resp.media = {"id": id, "pid": pid}

    app = falcon.asgi.App()
    for pattern in extra_patterns(routes, "brace"):
        app.add_route(pattern, Plain())
    app.add_route("/", Plain())
    app.add_route("/json", Json())
    app.add_route("/user/{id}/post/{pid}", User())
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False, loop="uvloop", http="httptools")


def run_aiohttp(port: int, routes: int) -> None:
    import asyncio

    import uvloop
    from aiohttp import web

    async def plaintext(request):
        return web.Response(text="Hello, World!")

    async def json_route(request):
        return web.json_response({"message": "Hello, World!"})

    async def user_post(request):
        m = request.match_info
        return web.json_response({"id": m["id"], "pid": m["pid"]})

    app = web.Application()
    for pattern in extra_patterns(routes, "brace"):
        app.router.add_get(pattern, plaintext)
    app.router.add_get("/", plaintext)
    app.router.add_get("/json", json_route)
    app.router.add_get("/user/{id}/post/{pid}", user_post)
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


RUNNERS = {
    "sanic": run_sanic,
    "starlette": run_starlette,
    "blacksheep": run_blacksheep,
    "falcon": run_falcon,
    "aiohttp": run_aiohttp,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("framework", choices=sorted(RUNNERS))
    parser.add_argument("port", type=int)
    parser.add_argument("--routes", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    RUNNERS[args.framework](args.port, args.routes)


if __name__ == "__main__":
    main()
