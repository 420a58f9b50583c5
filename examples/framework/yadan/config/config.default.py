config = {
    "framework_name": "yadan",
    "level": "yadan",
    "yadan_only": True,
    "yadan_header": {"value": "yadan"},
}
