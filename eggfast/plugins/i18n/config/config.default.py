"""The i18n plugin's defaults (values in eggfast/defaults.py)."""
from eggfast.attrdict import deep_merge
from eggfast.defaults import I18N

config = deep_merge({}, I18N)
