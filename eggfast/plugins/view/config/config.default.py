"""The view plugin's defaults (values in eggfast/defaults.py)."""
from eggfast.attrdict import deep_merge
from eggfast.defaults import VIEW

config = deep_merge({}, VIEW)
