# A framework may turn built-in plugins off for every app built on it.
plugin = {"view": False}
