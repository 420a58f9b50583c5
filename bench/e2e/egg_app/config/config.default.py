"""The Egg benchmark app runs with the default plugins and middleware.

Two switches, read from the environment by bench/run_e2e.py's runs (and
mirrored by bench/eggjs/config/config.default.js):

- ``BENCH_CSRF=off``: ``security.csrf.enable = False``, the benchmark's
  second configuration.  Harmless while eggfast has no security plugin: the
  key is merged into the config and nothing reads it.
- ``BENCH_EGG_TMP=DIR``: the logs and the run folder go under DIR instead of
  ``~/logs`` (prod) or the app folder (local).
"""
import os


def config(app_info):
    cfg = {"keys": "bench-egg-keys"}
    tmp = os.environ.get("BENCH_EGG_TMP")
    if tmp:
        cfg["logger"] = {"dir": os.path.join(tmp, "logs")}
        cfg["rundir"] = os.path.join(tmp, "run")
    if os.environ.get("BENCH_CSRF") == "off":
        cfg["security"] = {"csrf": {"enable": False}}
    return cfg
