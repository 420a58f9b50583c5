"""Production overrides: real keys come from EGG_APP_CONFIG or the environment."""
import os

config = {"keys": os.environ.get("HELLO_KEYS", "")}
