"""Celery tasks of stations, one module per concern; Celery autodiscovers this package."""

from stations.tasks import households  # noqa: F401  (household imports)
