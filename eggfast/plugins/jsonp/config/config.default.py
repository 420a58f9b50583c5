"""The jsonp plugin's defaults (values in eggfast/defaults.py)."""
from eggfast.attrdict import deep_merge
from eggfast.defaults import JSONP

config = deep_merge({}, JSONP)
