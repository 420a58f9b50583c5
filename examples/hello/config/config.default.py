"""examples/hello config (every env)."""


def config(app_info):
    return {
        "keys": f"{app_info.name}_dev_key_change_me",
        "middleware": ["response_time"],
        "response_time": {"header": "X-Response-Time"},
        "greeting": {"word": "Hello"},
    }
