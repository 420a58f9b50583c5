"""The static plugin's defaults (values in eggfast/defaults.py)."""
from eggfast.attrdict import deep_merge
from eggfast.defaults import STATIC

config = deep_merge({}, STATIC)
