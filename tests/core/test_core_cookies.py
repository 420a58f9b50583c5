"""ctx.cookies: signed and encrypted cookies, key rotation, limits and bad input (both context twins)."""
from __future__ import annotations

import base64

import pytest

from eggfast.errors import ConfigError
from eggfast.http.cookies import MAX_VALUE_BYTES, Keygrip, parse_cookie_header

KEYS = {"keys": "new-key,old-key"}


def cookie_header(set_cookie_lines: list[str]) -> str:
    """The ``Cookie`` header a browser would send back for these ``Set-Cookie`` lines."""
    return "; ".join(line.split(";", 1)[0] for line in set_cookie_lines)


def lines(ctx) -> list[str]:
    value = ctx.response.get("set-cookie")
    return [value] if isinstance(value, str) else list(value)


def test_set_signed_writes_value_and_signature_with_safe_defaults(make_ctx):
    ctx = make_ctx(config=KEYS)
    ctx.cookies.set("user", "tom")
    value, sig = lines(ctx)
    assert value == "user=tom; path=/; samesite=Lax; httponly"
    assert sig.startswith("user.sig=") and sig.endswith("; path=/; samesite=Lax; httponly")
    assert sig.split(";")[0] == "user.sig=" + Keygrip(["new-key"]).sign("user=tom")


def test_signed_round_trip(make_ctx):
    first = make_ctx(config=KEYS)
    first.cookies.set("user", "tom", max_age=60)
    assert "max-age=60" in lines(first)[0] and "expires=" in lines(first)[0]
    back = make_ctx(config=KEYS, headers={"Cookie": cookie_header(lines(first))})
    assert back.cookies.get("user") == "tom"
    assert back.cookies.get("user", signed=False) == "tom"
    assert back.response.get("set-cookie") == ""  # nothing to re-sign


def test_missing_or_bad_signature_reads_none_and_clears_the_sig(make_ctx):
    assert make_ctx(config=KEYS, headers={"Cookie": "user=tom"}).cookies.get("user") is None
    forged = make_ctx(config=KEYS, headers={"Cookie": "user=admin; user.sig=" + Keygrip(["new-key"]).sign("user=tom")})
    assert forged.cookies.get("user") is None
    (cleared,) = lines(forged)
    assert cleared.startswith("user.sig=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT")


def test_value_signed_with_an_older_key_is_accepted_and_resigned(make_ctx):
    old_sig = Keygrip(["old-key"]).sign("user=tom")
    ctx = make_ctx(config=KEYS, headers={"Cookie": f"user=tom; user.sig={old_sig}"})
    assert ctx.cookies.get("user") == "tom"
    (resigned,) = lines(ctx)
    assert resigned.split(";")[0] == "user.sig=" + Keygrip(["new-key"]).sign("user=tom")


def test_cookie_from_another_key_set_reads_none(make_ctx):
    sig = Keygrip(["someone-else"]).sign("user=tom")
    assert make_ctx(config=KEYS, headers={"Cookie": f"user=tom; user.sig={sig}"}).cookies.get("user") is None


def test_encrypted_round_trip_and_tamper_detection(make_ctx):
    ctx = make_ctx(config=KEYS)
    ctx.cookies.set("secret", "card=4242; ünïcode", encrypt=True)
    (sealed_line,) = lines(ctx)  # an encrypted cookie carries no .sig
    sealed = sealed_line.split(";")[0].split("=", 1)[1]
    assert "4242" not in sealed
    assert make_ctx(config=KEYS, headers={"Cookie": f"secret={sealed}"}).cookies.get(
        "secret", encrypt=True) == "card=4242; ünïcode"
    raw = bytearray(base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4)))
    raw[-1] ^= 1
    flipped = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    assert make_ctx(config=KEYS, headers={"Cookie": f"secret={flipped}"}).cookies.get("secret", encrypt=True) is None
    # bound to its name: the same value under another name does not open
    assert make_ctx(config=KEYS, headers={"Cookie": f"other={sealed}"}).cookies.get("other", encrypt=True) is None
    for junk in ("", "x", "!!!", "a" * 5000, sealed[:10]):
        assert make_ctx(config=KEYS, headers={"Cookie": f"secret={junk}"}).cookies.get("secret", encrypt=True) is None
    assert make_ctx(config={"keys": "another"}, headers={"Cookie": f"secret={sealed}"}).cookies.get(
        "secret", encrypt=True) is None


def test_encrypted_under_an_older_key_is_resealed(make_ctx):
    sealed = Keygrip(["old-key"]).encrypt("v", "s")
    ctx = make_ctx(config=KEYS, headers={"Cookie": f"s={sealed}"})
    assert ctx.cookies.get("s", encrypt=True) == "v"
    (resealed,) = lines(ctx)
    value = resealed.split(";")[0].split("=", 1)[1]
    assert Keygrip(["new-key"]).decrypt(value, "s") == ("v", 0)


def test_none_deletes_and_overwrite_replaces(make_ctx):
    ctx = make_ctx(config=KEYS)
    ctx.cookies.set("a", "1", signed=False)
    ctx.cookies.set("a", "2", signed=False, overwrite=True)
    assert lines(ctx) == ["a=2; path=/; samesite=Lax; httponly"]
    ctx.cookies.set("a", None)
    assert lines(ctx)[1].startswith("a=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT")
    assert lines(ctx)[2].startswith("a.sig=; path=/; expires=Thu, 01 Jan 1970")


def test_secure_cookie_over_http_is_refused_and_https_defaults_to_secure(make_ctx):
    with pytest.raises(ValueError, match="Cannot send secure cookie over unencrypted connection"):
        make_ctx(config=KEYS).cookies.set("a", "1", secure=True)
    ctx = make_ctx(config=KEYS, tls=True)
    ctx.cookies.set("a", "1", signed=False, same_site="strict", http_only=False, domain="example.com")
    assert lines(ctx) == ["a=1; path=/; domain=example.com; samesite=Strict; secure"]


def test_oversized_value_is_refused_with_an_event(make_ctx):
    ctx = make_ctx(config=KEYS)
    seen = []
    ctx.app.on("cookie_limit_exceed", seen.append)
    ctx.cookies.set("big", "x" * (MAX_VALUE_BYTES + 1))
    assert ctx.response.get("set-cookie") == ""
    assert seen and seen[0]["name"] == "big" and seen[0]["ctx"] is ctx
    ctx.cookies.set("fits", "x" * MAX_VALUE_BYTES, signed=False)
    assert len(lines(ctx)) == 1


@pytest.mark.parametrize("name,value", [
    ("na me", "v"), ("ü", "v"), ("a;b", "v"), ("", "v"),
    ("n", "ü"), ("n", "a;b"), ("n", "a\r\nSet-Cookie: x=1"), ("n", "a\x00"), ("n", 'a"'),
])
def test_invalid_names_and_values_raise(make_ctx, name, value):
    with pytest.raises(ValueError, match="invalid"):
        make_ctx(config=KEYS).cookies.set(name, value, signed=False)


def test_keys_are_required_to_sign(make_ctx):
    ctx = make_ctx(headers={"Cookie": "a=1; a.sig=x"})
    with pytest.raises(ConfigError, match="Please set config.keys first"):
        ctx.cookies.get("a")
    assert ctx.cookies.get("a", signed=False) == "1"  # an unsigned read needs no keys


def test_parse_cookie_header_edges():
    assert parse_cookie_header('a=1; b="2"; a=3; =x; junk; c = 4 ;') == {"a": "1", "b": "2", "c": "4"}
    assert parse_cookie_header("a;" * 4000) == {}
    many = "; ".join(f"k{i}=v{i}" for i in range(4000))
    assert len(parse_cookie_header(many)) == 4000


def test_forged_duplicated_and_truncated_cookies(make_ctx):
    kg = Keygrip(["new-key"])
    # the first 'user' wins, and it must carry its own signature
    header = f"user=tom; user.sig={kg.sign('user=tom')}; user=admin"
    assert make_ctx(config=KEYS, headers={"Cookie": header}).cookies.get("user") == "tom"
    header = f"user=admin; user=tom; user.sig={kg.sign('user=tom')}"
    assert make_ctx(config=KEYS, headers={"Cookie": header}).cookies.get("user") is None
    non_ascii = make_ctx(config=KEYS, headers={"Cookie": "user=tom; user.sig=\u00e9t\u00e9"})
    assert non_ascii.cookies.get("user") is None  # not a TypeError from hmac.compare_digest
    truncated = kg.sign("user=tom")[:-3]
    assert make_ctx(config=KEYS, headers={"Cookie": f"user=tom; user.sig={truncated}"}).cookies.get("user") is None


async def test_cookies_through_the_whole_request_path(app, run_app):
    app.config["keys"] = "k1"

    async def handler(ctx, next):
        seen = ctx.cookies.get("visits")
        ctx.cookies.set("visits", str(int(seen or 0) + 1))
        ctx.body = {"seen": seen}

    app.use(handler)
    first = await run_app(app)
    assert first.text == '{"seen":null}'
    second = await run_app(app, headers={"Cookie": cookie_header(first.header_values("set-cookie"))})
    assert second.text == '{"seen":"1"}'


async def test_docs_example_runs(run_app):
    """docs/cookies.md's example, executed."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "cookies.md").read_text()
    source = re.search(r"```python\n(.*?)```", doc, re.S).group(1)
    namespace: dict = {}
    exec(compile(source, "docs/cookies.md", "exec"), namespace)
    app = namespace["app"]
    first = await run_app(app)
    assert first.text == '{"visits":1,"cart":null}'
    again = await run_app(app, headers={"Cookie": cookie_header(first.header_values("set-cookie"))})
    assert again.text == '{"visits":2,"cart":"book-42"}'
