"""The config dump masks every key with a secret-like word part (pass, pwd, secret, token, key)."""
from __future__ import annotations

import json

import pytest

import eggfast
from eggfast.egg.application import is_secret_key, mask_config

from loader_helpers import fixture_dir

SECRET_KEYS = [
    # Egg's own list
    "pass", "pwd", "passd", "passwd", "password", "keys", "masterKey", "accessKey", "secret", "clientSecret",
    # beyond it: any case style
    "db_password", "redisPass", "redis_pass", "api_key", "apiKey", "userPwd", "SECRET", "accessToken", "token",
    "master_key", "MASTER_KEY", "x-api-key", "oauth.token", "APIKey", "ADMIN_PASSWORD", "secrets", "tokens",
    "session_keys", "pass2", "privateKeyPem",
    # no word boundary, but unmistakable
    "dbpassword", "rootpasswd", "clientsecret", "accesstoken",
]
PLAIN_KEYS = ["monkey", "turkey", "hockey_team", "bypass", "compass", "user", "port", "name", "donkeys", "whiskey",
              "kee", "p_w_d"]


@pytest.mark.parametrize("key", SECRET_KEYS)
def test_secret_keys_are_masked(key):
    assert is_secret_key(key)
    assert mask_config({key: "hunter2"}) == {key: "<String len: 7>"}


@pytest.mark.parametrize("key", PLAIN_KEYS)
def test_other_keys_are_kept(key):
    assert not is_secret_key(key)
    assert mask_config({key: "value"}) == {key: "value"}


@pytest.mark.parametrize("key", ["keyboard", "passenger_count", "tokenizer", "keyword"])
def test_a_word_part_that_starts_with_a_stem_is_masked(key):
    # documented in docs/egg-layer.md §3: masking too much only hides a value in the dump
    assert is_secret_key(key)


def test_masking_formats():
    masked = mask_config({"db": {"password": "abc", "port_pass": 5432, "use_token": True, "ratio_key": 1.5,
                                 "api_keys": ["a", "b"], "secret": {"inner": "xyz", "n": 1}, "pwd": None}})
    assert masked == {"db": {"password": "<String len: 3>", "port_pass": "<Number>", "use_token": "<Boolean>",
                             "ratio_key": "<Number>", "api_keys": "<Array len: 2>",
                             "secret": {"inner": "<String len: 3>", "n": "<Number>"}, "pwd": None}}


def test_nested_in_lists_and_tuples_and_extra_ignore_names():
    masked = mask_config({"clients": [{"name": "a", "apiKey": "k1"}], "pair": ({"userPwd": "x"},),
                          "region": "eu", "internal_id": "123"},
                         ["region", __import__("re").compile("^internal_")])
    assert masked == {"clients": [{"name": "a", "apiKey": "<String len: 2>"}], "pair": [{"userPwd": "<String len: 1>"}],
                      "region": "<String len: 2>", "internal_id": "<String len: 3>"}


async def test_application_and_agent_dumps_are_masked(options, tmp_path):
    secrets = {"db_password": "hunter22", "redisPass": "r3dis", "redis": {"redis_pass": "pw", "port": 6379},
               "api_key": "ak-123", "userPwd": "u", "accessToken": "t0k3n", "monkey": "banana"}
    app = await eggfast.start(base_dir=fixture_dir("agent"), env="unittest", **options(secrets))
    try:
        for name in ("application_config.json", "agent_config.json"):
            text = (tmp_path / "run" / name).read_text()
            config = json.loads(text)["config"]
            assert config["db_password"] == "<String len: 8>"
            assert config["redisPass"] == "<String len: 5>"
            assert config["redis"] == {"redis_pass": "<String len: 2>", "port": 6379}
            assert config["api_key"] == "<String len: 6>"
            assert config["userPwd"] == "<String len: 1>"
            assert config["accessToken"] == "<String len: 5>"
            assert config["monkey"] == "banana"
            for value in ("hunter22", "r3dis", "ak-123", "t0k3n"):
                assert value not in text, (name, value)
    finally:
        await app.close()
