"""Writes of the reports app: only its own report jobs (reports never writes to a domain app)."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_event_record
from core.handoff import hand_off
from core.idempotency import create_once
from reports.models import ReportJob
from reports.registry import job_formats

logger = logging.getLogger(__name__)
Status = ReportJob.Status

def report_job_request(*, user, kind: str, file_format: str, params: dict,
                       idempotency_key: uuid.UUID) -> ReportJob:
    """Queue a report for `user`; the file is built by Celery after the commit. A second call with
    the same key (a double click, a retried POST) returns the first job and queues nothing."""
    if file_format not in job_formats(kind):
        raise ValidationError(_("This report is not available in that format."))
    with transaction.atomic():
        job, created = create_once(
            ReportJob, key={"idempotency_key": idempotency_key}, replay=lambda first: _same_user(first, user),
            build=lambda: ReportJob(user=user, kind=kind, file_format=file_format, params=params))
        if created:
            audit_event_record(actor=user, action="report_job.requested", target=job,
                               data={"kind": kind, "format": file_format, "params": params})
            transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _same_user(job: ReportJob, user) -> ReportJob:
    if job.user_id != user.pk:
        raise PermissionDenied(_("You may not see this report."))
    return job


def _enqueue(job_id: int) -> None:
    """Hand the job to Celery; a broker that is down leaves it queued for report_jobs_redispatch."""
    from reports.tasks import run_report_job

    hand_off(run_report_job, args=(job_id,), what=f"Report job {job_id}")


def report_jobs_redispatch(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Hand Celery again the jobs queued longer ago than `older_than` and never started (their hand-off was
    lost: the broker was down, or lost its memory); count them. A job handed out twice is built once:
    report_job_start leaves a job that is no longer queued to the delivery that started it."""
    stale = list(ReportJob.objects.filter(status=Status.QUEUED, created_at__lt=timezone.now() - older_than)
                 .order_by("pk").values_list("pk", flat=True)[:1000])
    for job_id in stale:
        _enqueue(job_id)
    return len(stale)


def report_job_progress(*, job_id: int, percent: int, step: str) -> None:
    """Record how far a running job is (its own tiny write, visible to the page at once)."""
    ReportJob.objects.filter(pk=job_id, status=Status.RUNNING).update(progress=max(0, min(percent, 99)), step=step)


@transaction.atomic
def report_job_start(*, job_id: int, redelivered: bool = False) -> ReportJob | None:
    """queued → running; None when the job is not waiting (a duplicate delivery of the task).

    `redelivered`: the broker handed this task out again because the worker that had it died (killed,
    out of memory, the machine restarted) before acknowledging it: a job that worker left running is
    started over, or it would stay running for ever."""
    job = ReportJob.objects.select_for_update().get(pk=job_id)
    if job.status == Status.RUNNING and redelivered:
        job.progress, job.step, job.started_at = 0, "", timezone.now()
        job.save(update_fields=["progress", "step", "started_at"])
        audit_event_record(actor=job.user, action="report_job.restarted", target=job)
        return job
    if job.status != Status.QUEUED:
        return None
    ReportJob.TRANSITIONS.move(job, Status.RUNNING)
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    return job


@transaction.atomic
def report_job_finish(*, job: ReportJob, content: bytes, filename: str) -> ReportJob:
    job = ReportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != Status.RUNNING:  # a run the broker gave up on finished after all: the first result stands
        return job
    ReportJob.TRANSITIONS.move(job, Status.DONE)
    job.file.save(filename, ContentFile(content), save=False)
    job.filename, job.progress, job.step, job.finished_at = filename, 100, "", timezone.now()
    job.save(update_fields=["status", "file", "filename", "progress", "step", "finished_at"])
    audit_event_record(actor=job.user, action="report_job.done", target=job, data={"bytes": len(content)})
    return job


@transaction.atomic
def report_job_fail(*, job: ReportJob, error: str) -> ReportJob:
    job = ReportJob.objects.select_for_update().get(pk=job.pk)
    if job.status in (Status.DONE, Status.FAILED):
        return job
    ReportJob.TRANSITIONS.move(job, Status.FAILED)
    job.error, job.finished_at = error[:2000], timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    audit_event_record(actor=job.user, action="report_job.failed", target=job, data={"error": job.error})
    return job
