"""Station imports run here, after the upload is committed (never in a web request)."""

from celery import shared_task

from stations.station_import import station_import_job_run


@shared_task(acks_late=True)
def station_import_job(job_id: int) -> None:
    """Check (a preview) or check and import (an apply) one uploaded station file; a second delivery finds
    the job started and does nothing."""
    station_import_job_run(job_id=job_id)
