"""Catalogue imports run here, after the upload is committed (never in a web request)."""

from celery import shared_task

from gov_services.catalogue.imports import catalogue_import_job_run


@shared_task(acks_late=True)
def catalogue_import_job(job_id: int) -> None:
    """Check and import one uploaded catalogue file. A second delivery finds the job started and does
    nothing; a failure marks the job failed (a file that failed once fails again, so no retry)."""
    catalogue_import_job_run(job_id=job_id)
