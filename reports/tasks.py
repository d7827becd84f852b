"""Celery tasks of the reports app (autodiscovered)."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def run_report_job(job_id: int) -> None:
    """Build one queued report; any error marks the job failed (shown on its page), never retried
    blindly, since a report that failed once on its data fails again."""
    from reports.jobs import report_job_run

    report_job_run(job_id=job_id)
