"""Celery tasks of gov_services, one module per concern; Celery autodiscovers this package."""

from gov_services.tasks import (
    catalogue,  # noqa: F401  (catalogue imports)
    certificates,  # noqa: F401  (certificate PDFs)
    setup,  # noqa: F401  (department and staff imports)
    supervision,  # noqa: F401  (the supervision sweep)
)
