"""Celery tasks of stations, one module per concern; Celery autodiscovers this package."""

from stations.tasks import households, regions, station_imports  # noqa: F401  (the imports' jobs)
