config = {"powered_by": {"value": "eggfast"}}
