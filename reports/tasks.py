"""Celery tasks of the reports app (autodiscovered)."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True)
def run_report_job(self, job_id: int) -> None:
    """Build one queued report; any error marks the job failed (shown on its page), never retried
    blindly, since a report that failed once on its data fails again. A job whose worker died is started
    over when the broker hands the task out again (acks_late: it was never acknowledged)."""
    from reports.jobs import report_job_run

    report_job_run(job_id=job_id, redelivered=bool((self.request.delivery_info or {}).get("redelivered")))


@shared_task
def report_jobs_redispatch_stale() -> int:
    """Every few minutes: re-hand to Celery report jobs whose hand-off was lost (broker down)."""
    from reports.services import report_jobs_redispatch

    return report_jobs_redispatch()
