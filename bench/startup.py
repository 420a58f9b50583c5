"""Start-up time of a generated Egg-style app (200 controllers, 200 services, 10 plugins).

    .venv/bin/python bench/startup.py                  # median of 5 fresh processes
    .venv/bin/python bench/startup.py --runs 9 --controllers 500 --keep /tmp/bigapp

Each run is a new interpreter that imports eggfast, then runs
``await eggfast.start(base_dir=..., env="unittest")`` (agent + application
in one process: plugins, config, extend, boots, services, middleware,
controllers, router, then the async boot hooks).  Printed per run and as
medians: ``import`` (``import eggfast``), ``start`` (eggfast.egg.single_process until
ready) and ``process`` (wall time of the whole child, interpreter included).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import asyncio, json, sys, time
t0 = time.perf_counter()
import eggfast
t1 = time.perf_counter()
async def main():
    app = await eggfast.start(base_dir=sys.argv[1], env="unittest",
                              config={"logger": {"dir": sys.argv[2], "console": False}, "rundir": sys.argv[3]})
    t2 = time.perf_counter()
    routes = len(app.router.stack)
    await app.close()
    return t2, routes
t2, routes = asyncio.run(main())
print(json.dumps({"import_ms": (t1 - t0) * 1000, "start_ms": (t2 - t1) * 1000, "routes": routes}))
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(root: Path, controllers: int, services: int, plugins: int) -> None:
    """Write the app under ``root``."""
    write(root / "eggfast.toml", '[app]\nname = "startup_bench"\n')
    write(root / "config" / "config.default.py", 'config = {"keys": "bench", "middleware": ["timer"]}\n')
    decl = ",\n".join(f'    "p{i}": {{"enable": True, "path": "plugins/p{i}"}}' for i in range(plugins))
    write(root / "config" / "plugin.py", f"plugin = {{\n{decl}\n}}\n")
    for i in range(plugins):
        p = root / "plugins" / f"p{i}"
        deps = f'dependencies = ["p{i - 1}"]\n' if i else ""
        write(p / "eggfast.toml", f'[plugin]\nname = "p{i}"\n{deps}')
        write(p / "config" / "config.default.py", f'config = {{"p{i}": {{"value": {i}}}}}\n')
        write(p / "app" / "service" / f"plugin{i}.py",
              f"from eggfast import Service\n\n\nclass Plugin{i}Service(Service):\n"
              f"    def value(self):\n        return self.config.p{i}.value\n")
        write(p / "app.py", "class Boot:\n    def __init__(self, app):\n        self.app = app\n\n"
                            "    async def did_load(self):\n        pass\n")
    for i in range(services):
        write(root / "app" / "service" / f"svc{i}.py",
              f"from eggfast import Service\n\n\nclass Svc{i}(Service):\n"
              f"    async def get(self, x):\n        return {{'svc': {i}, 'x': x}}\n")
    for i in range(controllers):
        write(root / "app" / "controller" / f"ctl{i}.py",
              f"from eggfast import Controller\n\n\nclass Ctl{i}(Controller):\n"
              f"    async def index(self):\n        self.ctx.body = await self.service.svc{i % max(services, 1)}.get(1)\n\n"
              f"    async def show(self):\n        self.ctx.body = self.ctx.params['id']\n")
    write(root / "app" / "middleware" / "timer.py",
          "def middleware(options, app):\n    async def timer(ctx, next):\n        await next()\n    return timer\n")
    lines = ["def setup(app):", "    r, c = app.router, app.controller"]
    for i in range(controllers):
        lines.append(f'    r.get("/c{i}", c.ctl{i}.index)')
        lines.append(f'    r.get("/c{i}/:id", c.ctl{i}.show)')
    write(root / "app" / "router.py", "\n".join(lines) + "\n")
    write(root / "app.py", "class Boot:\n    def __init__(self, app):\n        self.app = app\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--controllers", type=int, default=200)
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--plugins", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", default=None, help="generate into this folder and keep it")
    args = parser.parse_args()
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="eggfast-startup-"))
    try:
        if tmp.exists():
            shutil.rmtree(tmp)
        app_dir = tmp / "app"
        generate(app_dir, args.controllers, args.services, args.plugins)
        print(f"app: {args.controllers} controllers, {args.services} services, {args.plugins} plugins "
              f"(+ 12 built-in) in {app_dir}")
        env = dict(os.environ)
        rows = []
        for run in range(args.runs):
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", CHILD, str(app_dir), str(tmp / "logs"), str(tmp / "run")],
                                 capture_output=True, text=True, env=env, check=False)
            wall = (time.perf_counter() - t0) * 1000
            if out.returncode != 0:
                print(out.stdout, out.stderr, file=sys.stderr)
                return 1
            row = json.loads(out.stdout.strip().splitlines()[-1])
            row["process_ms"] = wall
            rows.append(row)
            print(f"run {run + 1}: import {row['import_ms']:7.1f} ms   start {row['start_ms']:7.1f} ms   "
                  f"process {wall:7.1f} ms   ({row['routes']} routes)")
        med = {k: statistics.median(r[k] for r in rows) for k in ("import_ms", "start_ms", "process_ms")}
        print(f"median of {args.runs}: import {med['import_ms']:.1f} ms, eggfast.egg.single_process {med['start_ms']:.1f} ms, "
              f"whole process {med['process_ms']:.1f} ms")
        print(f"(python {sys.version.split()[0]}, EGGFAST_NO_EXTENSIONS={os.environ.get('EGGFAST_NO_EXTENSIONS', '')!r}, "
              f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}: with it set every run compiles "
              f"the app's files; unset, run 1 writes __pycache__ and later runs reuse it)")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
