config = {"keys": "pages-example-key"}
