"""AttrDict: keys as attributes, nested, and Egg's ``config.keys``."""
from eggfast.attrdict import AttrDict


def test_nested_attribute_and_key_access():
    cfg = AttrDict({"security": {"csrf": {"enable": True}}})
    assert cfg.security.csrf.enable is cfg["security"]["csrf"]["enable"] is True
    cfg.view = {"root": "x"}
    assert cfg.view.root == "x"


def test_config_keys_reads_the_cookie_secret():
    cfg = AttrDict({"keys": "k1,k2", "name": "app"})
    assert cfg.keys == "k1,k2"
    assert sorted(dict.keys(cfg)) == ["keys", "name"]
    assert dict(cfg) == {"keys": "k1,k2", "name": "app"}


def test_keys_method_still_works_without_a_keys_entry():
    assert list(AttrDict({"a": 1}).keys()) == ["a"]
