"""The Egg benchmark app runs with the default plugins and middleware."""


def config(app_info):
    return {"keys": "bench-egg-keys"}
