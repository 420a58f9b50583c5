# cython: language_level=3, annotation_typing=False
# Compiled twin of eggfast._protocol_py, built from the very same source (aiohttp's
# single-source twin): the two cannot drift.  Hand-tuned cdef code replaces
# this include when the benchmarks show it pays (see bench/).
include "_protocol_py.py"
