"""Runs a report job (reports.tasks.run_report_job): the builder its kind names in reports.registry,
in the language it was asked in, with its progress recorded for the job's page.

Each builder takes the job and a `progress(percent, step)` callback and returns (bytes, file name).
"""

from __future__ import annotations

import logging

from django.utils import translation

from reports.models import ReportJob
from reports.registry import job_file_of
from reports.services import report_job_fail, report_job_finish, report_job_progress, report_job_start

logger = logging.getLogger(__name__)


def report_job_run(*, job_id: int, redelivered: bool = False) -> ReportJob | None:
    job = report_job_start(job_id=job_id, redelivered=redelivered)
    if job is None:
        return None

    def progress(percent: int, step: str) -> None:
        report_job_progress(job_id=job.pk, percent=percent, step=step)

    try:
        with translation.override(job.params.get("language") or "zh-hans"):
            content, filename = job_file_of(job.kind).build(job, progress)
    except Exception as exc:  # any failure is shown on the job's page; the details go to the log
        logger.exception("report job %s failed", job.pk)
        return report_job_fail(job=job, error=f"{type(exc).__name__}: {exc}")
    return report_job_finish(job=job, content=content, filename=filename)
