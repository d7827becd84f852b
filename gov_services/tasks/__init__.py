"""Celery tasks of gov_services, one module per concern; Celery autodiscovers this package."""

from gov_services.channels import tasks as channel_tasks  # noqa: F401  (webhook deliveries)
from gov_services.open311 import tasks as open311_tasks  # noqa: F401  (requests accepted by token)
from gov_services.tasks import (
    catalogue,  # noqa: F401  (catalogue imports)
    certificates,  # noqa: F401  (certificate PDFs)
    drafts,  # noqa: F401  (expired application drafts)
    setup,  # noqa: F401  (department and staff imports)
    supervision,  # noqa: F401  (the supervision sweep)
)
