"""The registry example: where Redis is (REGISTRY_REDIS_PORT), heartbeats fast enough for a demo."""
import os

config = {
    "keys": os.environ.get("REGISTRY_KEYS", "registry-example-key"),
    "registry": {
        "redis": {"host": "127.0.0.1", "port": int(os.environ.get("REGISTRY_REDIS_PORT", "6379"))},
        "cluster": {"heartbeat_interval": 1.0, "invoke_timeout": 5.0},
    },
}
