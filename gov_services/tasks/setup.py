"""Department and staff imports run here, after the upload is committed (never in a web request)."""

from celery import shared_task

from gov_services.setup_import import setup_import_job_run


@shared_task(acks_late=True)
def setup_import_job(job_id: int) -> None:
    """Check (a preview) or check and import (an apply) one department or staff file."""
    setup_import_job_run(job_id=job_id)
