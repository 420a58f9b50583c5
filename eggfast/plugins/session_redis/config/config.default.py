"""The session_redis plugin's defaults (values in eggfast/defaults.py)."""
from eggfast.attrdict import deep_merge
from eggfast.defaults import SESSION_REDIS

config = deep_merge({}, SESSION_REDIS)
