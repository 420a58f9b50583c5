config = {"keys": "demo-key", "level": "app"}
