"""The `cluster` fixture (helpers in cluster_helpers, imported by name)."""
from cluster_helpers import cluster  # noqa: F401
