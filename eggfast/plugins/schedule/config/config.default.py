"""The schedule plugin's defaults (docs/schedule.md)."""

config = {
    "schedule": {
        # Extra directories of schedule files (absolute, or relative to the app's base_dir),
        # loaded after every unit's app/schedule/.
        "directory": [],
        # Optional cross-machine lock for type "worker" on Redis: one run per tick across
        # every machine that runs the same app.  client: redis-py options; None means
        # config.redis.client.  expire: seconds the lock lives (capped below the interval).
        "lock": {"enable": False, "client": None, "prefix": "eggfast:schedule:", "expire": None},
    },
}
