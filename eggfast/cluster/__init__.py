"""The cluster: one master, one agent, N app workers on one port (``eggfast start``).

See docs/cluster.md.  :class:`Master` runs it; :func:`workers_count` is the
default number of app workers; :func:`run_single` is ``--workers 0``.
"""
from eggfast.cluster.cpus import workers_count
from eggfast.cluster.ipc import MessageTooLarge
from eggfast.cluster.master import Master, MasterOptions

__all__ = ["Master", "MasterOptions", "MessageTooLarge", "workers_count"]
