config = {
    "framework_name": "yadan_plus",
    "level": "plus",
    "yadan_header": {"value": "yadan_plus"},
}
