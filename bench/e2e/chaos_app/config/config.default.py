"""The chaos benchmark app runs with the default plugins and middleware."""


def config(app_info):
    return {"keys": "bench-chaos-keys"}
