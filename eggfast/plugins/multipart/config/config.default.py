"""The multipart plugin's defaults (values in eggfast/defaults.py)."""
from eggfast.attrdict import deep_merge
from eggfast.defaults import MULTIPART

config = deep_merge({}, MULTIPART)
