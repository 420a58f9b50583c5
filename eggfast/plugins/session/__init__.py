"""The built-in session plugin (cookie session store)."""
