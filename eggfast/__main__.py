"""``python -m eggfast`` / ``eggfast``: command-line entry point."""
from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence


def _info(args: argparse.Namespace) -> int:
    import eggfast
    from eggfast.twins import BY_HOT_PATH

    print(f"eggfast {eggfast.__version__}")
    for hot_path, twin in eggfast.implementation().items():
        pair = BY_HOT_PATH[hot_path]
        modules = ", ".join(f"_{stem}_py" for stem in pair.stems)
        built = "_c.pyx" if pair.source == "pyx" else "_c.pxd over the pure source"
        print(f"  {hot_path:<9} {twin:<7} {pair.package}: {modules} ({built})")
    print(f"EXTENSIONS = {eggfast.EXTENSIONS}")
    return 0


def _serve_example(args: argparse.Namespace) -> int:
    import pathlib

    from eggfast.cli.dev import run_dev

    root = pathlib.Path(__file__).resolve().parent.parent / "examples" / "hello"
    if not (root / "app" / "router.py").exists():
        print(f"eggfast: {root} not found (run from a source checkout)", file=sys.stderr)
        return 1
    args.base_dir = str(root)
    args.env = args.framework = None
    return run_dev(args)


def _dev(args: argparse.Namespace) -> int:
    from eggfast.cli.dev import run_dev

    return run_dev(args)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="eggfast", description="eggfast command line")
    sub = parser.add_subparsers(dest="command", required=True)
    info = sub.add_parser("info", help="which twin (cython/python) each hot path uses")
    info.set_defaults(func=_info)
    example = sub.add_parser("serve-example", help="serve examples/hello (what `make run` does)")
    example.add_argument("--host", default="127.0.0.1")
    example.add_argument("--port", type=int, default=7001)
    example.set_defaults(func=_serve_example)
    dev = sub.add_parser("dev", help="serve an app in one process (agent + app), env from --env, EGG_SERVER_ENV, config/env, else local")
    from eggfast.cli.dev import add_arguments

    add_arguments(dev)
    dev.set_defaults(func=_dev)
    from eggfast.cli.start import add_start_arguments, add_stop_arguments, run_start, run_stop

    start = sub.add_parser("start", help="serve in production: a master, an agent and N app workers on one port "
                                          "(--workers 0: one process)")
    add_start_arguments(start)
    start.set_defaults(func=run_start)
    stop = sub.add_parser("stop", help="stop the master(s) started by `eggfast start` and wait for them to exit")
    add_stop_arguments(stop)
    stop.set_defaults(func=run_stop)
    from eggfast.cli.init import add_init_arguments, run_init

    init = sub.add_parser("init", help="scaffold a new project in DIR: --type simple (an app), plugin or framework")
    add_init_arguments(init)
    init.set_defaults(func=run_init)
    from eggfast.cli.typings import add_typings_arguments, run_typings

    typings = sub.add_parser("typings", help="write typings/ (.pyi) so mypy/pyright know ctx.service.x, "
                                             "app.controller.x, app.config keys and extend members")
    add_typings_arguments(typings)
    typings.set_defaults(func=run_typings)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
