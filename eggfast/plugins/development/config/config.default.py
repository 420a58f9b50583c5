"""The development plugin's defaults (values in eggfast/defaults.py)."""
from eggfast.attrdict import deep_merge
from eggfast.defaults import DEVELOPMENT

config = deep_merge({}, DEVELOPMENT)
