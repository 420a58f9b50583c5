"""Lifecycle: hook order, concurrency, slow hooks, failures, close once (SPEC §5)."""
from __future__ import annotations

import pytest

from loader_helpers import fixture_dir

from eggfast.egg.lifecycle import BootError


async def test_order_across_units(make_app):
    app = make_app("order")
    # constructed and config hooks run during loading, plugins (b, a) then the app
    assert app.order == [
        "b:init", "a:init", "app:init",
        "b:config_will_load", "a:config_will_load", "app:config_will_load",
        "b:config_did_load", "a:config_did_load", "app:config_did_load",
    ]
    await app.ready()
    assert app.order[9:] == ["b:did_load", "a:did_load", "app:did_load", "app:will_ready", "app:did_ready"]
    server = await app.create_server("127.0.0.1", 0)
    assert app.order[-1] == "app:server_did_ready"
    server.close()
    await server.wait_closed()
    await app.close()
    await app.close()  # once
    assert app.order[-3:] == ["app:before_close", "a:before_close", "b:before_close"]
    assert app.order.count("app:before_close") == 1


async def test_concurrent_did_load_slow_warning_and_config_edit(make_app, caplog):
    app = make_app("lifecycle")
    assert app.config.edited_in_will_load is True
    app.core_logger.addHandler(caplog.handler)  # eggfast loggers do not propagate to root
    try:
        await app.ready()
    finally:
        app.core_logger.removeHandler(caplog.handler)
    ev = app.events
    # did_load hooks overlap (both start before either ends); will_ready after every did_load
    assert ev.index("plugin:did_load:start") < ev.index("did_load:end")
    assert ev.index("did_load:start") < ev.index("plugin:did_load:end")
    assert max(ev.index("did_load:end"), ev.index("plugin:did_load:end")) < ev.index("will_ready:start")
    assert ev.index("will_ready:end") < ev.index("did_ready")  # slow is not cancelled
    assert "will_ready in " + str(fixture_dir("lifecycle") / "app.py") + " is still running" in caplog.text
    await app.close()
    assert ev[-2:] == ["before_close", "plugin:before_close"]
    timing = [i["name"] for i in app.timing.items]
    assert "will_ready (app.py)" in timing and "did_load (app.py)" in timing


async def test_raising_async_hook_aborts_start_naming_hook_and_file(make_app):
    app = make_app("boot-raises")
    with pytest.raises(BootError) as info:
        await app.ready()
    msg = str(info.value)
    assert msg == f"{fixture_dir('boot-raises') / 'app.py'}: will_ready() failed: RuntimeError: database unreachable"
    with pytest.raises(BootError):
        await app.ready()  # the same failure again, not a second run


def test_raising_sync_hook(load_error):
    msg = load_error("boot-raises-sync")
    assert msg == f"{fixture_dir('boot-raises-sync') / 'app.py'}: config_did_load() failed: ValueError: bad setting"


def test_async_config_hook_refused(load_error):
    assert "config_will_load() must be a plain (sync) method" in load_error("boot-async-config-hook")


@pytest.mark.parametrize("hook", ["did_load", "will_ready"])
async def test_concurrent_hook_failure_does_not_wait_for_slow_siblings(make_app, hook):
    # Egg: an error in did_load/will_ready fails ready at once (ready(err)); the sibling
    # plugin hooks sleep 5 s, so waiting for them would show in the elapsed time.
    import time

    app = make_app("boot-fail-fast", config={"fail_in": hook})
    started = time.perf_counter()
    with pytest.raises(BootError) as info:
        await app.ready()
    elapsed = time.perf_counter() - started
    assert elapsed < 2, elapsed
    assert str(info.value) == (f"{fixture_dir('boot-fail-fast') / 'app.py'}: {hook}() failed: "
                               f"RuntimeError: {hook} broke")
    assert f"{hook}:end" not in app.sleeper
    assert app.sleeper[-1] == f"{hook}:cancelled"  # the slow sibling is cancelled, not left running


def test_config_error_raised_by_sync_hook_names_hook_and_file(load_error):
    msg = load_error("boot-config-error", config={"fail_in": "config_did_load"})
    assert msg == (f"{fixture_dir('boot-config-error') / 'app.py'}: config_did_load() failed: "
                   "ConfigError: redis.host must be set")


async def test_config_error_raised_by_async_hook_names_hook_and_file(make_app):
    app = make_app("boot-config-error", config={"fail_in": "will_ready"})
    with pytest.raises(BootError) as info:
        await app.ready()
    assert str(info.value) == (f"{fixture_dir('boot-config-error') / 'app.py'}: will_ready() failed: "
                               "ConfigError: redis.port must be a number")


async def test_cancelled_concurrent_hook_fails_start_at_once(make_app):
    # a hook that ends cancelled is no success either; nor does start-up wait for its siblings
    import time

    app = make_app("boot-fail-fast", config={"fail_in": "will_ready", "fail_with": "cancelled"})
    started = time.perf_counter()
    with pytest.raises(BootError) as info:
        await app.ready()
    assert time.perf_counter() - started < 2
    assert str(info.value) == (f"{fixture_dir('boot-fail-fast') / 'app.py'}: will_ready() failed: "
                               "CancelledError: the hook was cancelled")
    assert app.sleeper[-1] == "will_ready:cancelled"
