"""X-Forwarded-For/Proto/Host are read only with ``config.proxy`` on AND from a peer in
``config.trusted_proxies`` (default loopback); on both context twins."""
from __future__ import annotations

import pytest

from eggfast.errors import ConfigError
from eggfast.http.proxy import TrustedProxies, trusted_proxies

FORWARDED = {
    "x-forwarded-for": "203.0.113.7, 10.0.0.2",
    "x-forwarded-proto": "https",
    "x-forwarded-host": "evil.example",
    "host": "app.example:8080",
}


def _view(ctx):
    return (ctx.ip, ctx.ips, ctx.protocol, ctx.host)


@pytest.mark.parametrize("peer", ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
def test_loopback_proxy_is_trusted_by_default(make_ctx, peer):
    ctx = make_ctx("GET", "/", headers=FORWARDED, peer=(peer, 4000),
                   config={"proxy": True, "host_headers": "x-forwarded-host"})
    assert _view(ctx) == ("203.0.113.7", ["203.0.113.7", "10.0.0.2"], "https", "evil.example")


@pytest.mark.parametrize("peer", ["198.51.100.9", "10.0.0.1", "::2", "127.0.0.2"])
def test_forwarded_headers_from_an_untrusted_peer_are_ignored(make_ctx, peer):
    ctx = make_ctx("GET", "/", headers=FORWARDED, peer=(peer, 4000),
                   config={"proxy": True, "host_headers": "x-forwarded-host"})
    assert _view(ctx) == (peer, [], "http", "app.example:8080")
    assert ctx.secure is False


def test_nothing_forwarded_is_honoured_with_proxy_off_even_from_loopback(make_ctx):
    ctx = make_ctx("GET", "/", headers=FORWARDED, peer=("127.0.0.1", 4000),
                   config={"host_headers": "x-forwarded-host"})
    assert _view(ctx) == ("127.0.0.1", [], "http", "app.example:8080")


def test_x_forwarded_host_needs_host_headers(make_ctx):
    ctx = make_ctx("GET", "/", headers=FORWARDED, peer=("127.0.0.1", 4000), config={"proxy": True})
    assert ctx.host == "app.example:8080"
    assert ctx.protocol == "https"


@pytest.mark.parametrize(
    ("peer", "trusted"),
    [("10.1.2.3", True), ("10.255.0.1", True), ("11.0.0.1", False), ("fd00::5", True), ("fe80::1", False),
     ("::ffff:10.9.9.9", True), ("192.0.2.1", True), ("192.0.2.2", False)],
)
def test_cidrs_and_single_addresses(make_ctx, peer, trusted):
    ctx = make_ctx("GET", "/", headers=FORWARDED, peer=(peer, 4000),
                   config={"proxy": True, "trusted_proxies": ["10.0.0.0/8", "fd00::/8", "192.0.2.1/32"]})
    assert (ctx.ip == "203.0.113.7") is trusted
    assert (ctx.protocol == "https") is trusted


def test_an_empty_list_trusts_no_one(make_ctx):
    ctx = make_ctx("GET", "/", headers=FORWARDED, peer=("127.0.0.1", 4000),
                   config={"proxy": True, "trusted_proxies": []})
    assert _view(ctx) == ("127.0.0.1", [], "http", "app.example:8080")


def test_a_request_without_a_peer_is_not_trusted(make_ctx):
    ctx = make_ctx("GET", "/", headers=FORWARDED, peer=None, config={"proxy": True})
    assert ctx.ips == [] and ctx.protocol == "http"


def test_the_list_is_parsed_once_per_value(app):
    app.config["trusted_proxies"] = ["10.0.0.0/8"]
    first = trusted_proxies(app)
    assert trusted_proxies(app) is first
    app.config["trusted_proxies"] = ["127.0.0.1"]
    assert trusted_proxies(app) is not first
    assert trusted_proxies(app).contains("127.0.0.1")


@pytest.mark.parametrize("bad", ["10.0.0.0/33", "localhost", "1.2.3"])
def test_a_bad_entry_names_the_config_key(bad):
    with pytest.raises(ConfigError, match="config.trusted_proxies"):
        TrustedProxies([bad])


def test_garbage_peer_text_is_not_trusted():
    proxies = TrustedProxies(["10.0.0.0/8"])
    assert not proxies.contains("not-an-ip")
    assert not proxies.contains("")
