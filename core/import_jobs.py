"""Spreadsheet imports as background jobs: submit, run with progress, finish with a report.

Every import runs as a job, small files too: the web process only stores the upload and answers
with the page that shows the job, so no web worker ever parses a spreadsheet, reloading the page
never imports twice, and the report stays at its address. With CELERY_BROKER_URL unset (the
embedded demo, the tests) the job runs at commit, before the page is shown.

An app owns its kind of import: it submits with the Celery task that runs it, and that task calls
`import_job_run` with a function (job, file, progress) → ImportReport. A double submit (the same
form key) returns the first job; the same file sent again while its first job is still waiting or
running returns that job too.

An import may be previewed first (`import_job_preview_submit`): the job runs as a dry run
(params["dry_run"]) whose report says what the file would create, change and refuse, row by row,
and writes nothing. A clean preview keeps its upload until `import_job_apply` hands it to a new job
that checks it again and writes (or until the same user previews another file of that kind).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.audit import audit_event_record
from core.models import ImportJob
from core.spreadsheets import ImportReport

logger = logging.getLogger(__name__)
Status = ImportJob.Status
Progress = Callable[[int, str], None]  # (percent, step as a gettext_noop msgid)
Run = Callable[[ImportJob, object, Progress], ImportReport]

# Steps, stored untranslated and shown in the reader's language.
STEP_READING = gettext_noop("Reading the file")
STEP_CHECKING = gettext_noop("Checking every row")
STEP_SAVING = gettext_noop("Saving")
READING_SHARE = 50  # percent of the bar for reading the file; checking and saving share the rest


def reading_progress(progress: Progress | None) -> Callable[[int, int | None], None] | None:
    """core.spreadsheets.read_table's (rows read, rows expected) as the first half of the bar."""
    if progress is None:
        return None

    def report(done: int, expected: int | None) -> None:
        progress(READING_SHARE * done // max(expected or done, done, 1), STEP_READING)

    return report


def import_job_submit(*, user, kind: str, params: dict, upload, idempotency_key: uuid.UUID,
                      enqueue: Callable[[int], object]) -> ImportJob:
    """Store `upload` and queue `enqueue(job.pk)` after the commit; see the module's note on replays."""
    existing = ImportJob.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _own(existing, user, kind)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    params = {**params, "language": translation.get_language() or "zh-hans"}
    waiting = ImportJob.objects.filter(user=user, kind=kind, sha256=digest.hexdigest(),
                                       status__in=[Status.QUEUED, Status.RUNNING])
    for job in waiting:
        if job.params == params:
            return job
    job = ImportJob(user=user, kind=kind, params=params, idempotency_key=idempotency_key,
                    filename=upload.name[:200], sha256=digest.hexdigest())
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else "csv"
    job.file.save(f"{uuid.uuid4().hex}.{extension[:5]}", upload, save=False)
    try:
        with transaction.atomic():
            job.save()
            audit_event_record(actor=user, action="import_job.submitted", target=job,
                               data={"kind": kind, "file": job.filename, "sha256": job.sha256, "params": params})
            transaction.on_commit(lambda: enqueue(job.pk))
    except IntegrityError:  # the same key committed by a concurrent request a moment ago
        job.file.delete(save=False)
        return _own(ImportJob.objects.get(idempotency_key=idempotency_key), user, kind)
    return job


def _own(job: ImportJob, user, kind: str) -> ImportJob:
    if job.user_id != user.pk or job.kind != kind:
        raise Http404(_("No such import."))
    return job


def access_import_job_by_id(*, user, job_id, kind: str) -> ImportJob:
    """The user's own job of this kind; 404 for anything else (another user's job is not theirs to know of)."""
    try:
        job = ImportJob.objects.get(pk=int(job_id))
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such import.")) from None
    return _own(job, user, kind)


def import_job_status(job: ImportJob) -> dict:
    """What the progress bar needs (core/static/core/job-progress.js)."""
    return {"status": job.status, "status_label": job.get_status_display(), "progress": job.progress,
            "step": _(job.step) if job.step else "", "finished": job.finished}


def import_job_report(job: ImportJob) -> ImportReport | None:
    return ImportReport.from_dict(job.result) if job.status == Status.DONE else None


def import_job_run(*, job_id: int, run: Run) -> ImportJob | None:
    """Run a queued job; None when it is not waiting (a second delivery of the task). Any error
    marks the job failed (its page says so; the details go to the log)."""
    job = _start(job_id)
    if job is None:
        return None

    def progress(percent: int, step: str) -> None:
        ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(progress=max(0, min(percent, 99)),
                                                                          step=step)

    try:
        with translation.override(job.params.get("language") or "zh-hans"), job.file.open("rb") as file:
            report = run(job, file, progress)
    except Exception as exc:  # whatever went wrong, the job must end as failed
        logger.exception("import job %s failed", job.pk)
        return _end(job, Status.FAILED, error=f"{type(exc).__name__}: {exc}")
    return _end(job, Status.DONE, report=report)


@transaction.atomic
def _start(job_id: int) -> ImportJob | None:
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.status != Status.QUEUED:
        return None
    _transition(job, Status.RUNNING)
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    return job


@transaction.atomic
def _end(job: ImportJob, status: str, *, report: ImportReport | None = None, error: str = "") -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _transition(job, status)
    job.result = report.as_dict() if report is not None else {}
    job.error, job.progress, job.step, job.finished_at = error[:2000], 100, "", timezone.now()
    if not (report is not None and report.ok and job.params.get("dry_run")):
        job.file.delete(save=False)  # the report is what stays; the upload is not kept (but see previews)
    job.save(update_fields=["status", "result", "error", "progress", "step", "finished_at", "file"])
    data = {"error": job.error} if error else {key: job.result[key] for key in
                                               ("rows", "created", "updated", "unchanged", "problem_count")}
    audit_event_record(actor=job.user, action=f"import_job.{status}", target=job, data=data)
    return job


def _transition(job: ImportJob, to_status: str) -> None:
    if to_status not in ImportJob.TRANSITIONS[job.status]:
        raise ValidationError(_("An import cannot go from “%(from)s” to “%(to)s”.")
                              % {"from": job.get_status_display(), "to": Status(to_status).label})
    job.status = to_status


# --- Preview, then apply ---------------------------------------------------------------------------------

def import_job_preview_submit(*, user, kind: str, params: dict, upload, idempotency_key: uuid.UUID,
                              enqueue: Callable[[int], object]) -> ImportJob:
    """Queue a dry run of `upload`; the user's earlier previews of this kind give up their kept files."""
    job = import_job_submit(user=user, kind=kind, params={**params, "dry_run": True}, upload=upload,
                            idempotency_key=idempotency_key, enqueue=enqueue)
    for old in ImportJob.objects.filter(user=user, kind=kind, status=Status.DONE).exclude(file="").exclude(pk=job.pk):
        old.file.delete(save=True)
    return job


def import_job_is_preview(job: ImportJob) -> bool:
    return bool(job.params.get("dry_run"))


def import_job_applied(job: ImportJob) -> ImportJob | None:
    """The job that applied this preview, if any."""
    return ImportJob.objects.filter(user=job.user_id, kind=job.kind, params__applies=job.pk).first()


@transaction.atomic
def import_job_apply(*, user, preview_id, kind: str, idempotency_key: uuid.UUID,
                     enqueue: Callable[[int], object]) -> ImportJob:
    """Import the file a clean preview checked: a new job (checking everything again, then writing) on the
    kept upload. Applying the same preview again returns the first apply job."""
    existing = ImportJob.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _own(existing, user, kind)
    preview = access_import_job_by_id(user=user, job_id=preview_id, kind=kind)
    preview = ImportJob.objects.select_for_update().get(pk=preview.pk)
    applied = import_job_applied(preview)
    if applied is not None:
        return applied
    report = import_job_report(preview)
    if not import_job_is_preview(preview) or report is None or not report.ok or not preview.file:
        raise ValidationError(_("Only a checked file without problems can be imported; upload it again."))
    job = ImportJob(user=user, kind=kind, params={**preview.params, "dry_run": False, "applies": preview.pk},
                    idempotency_key=idempotency_key, filename=preview.filename, sha256=preview.sha256)
    job.file.name = preview.file.name  # the upload changes hands: the apply job deletes it when it ends
    job.save()
    preview.file = ""
    preview.save(update_fields=["file"])
    audit_event_record(actor=user, action="import_job.submitted", target=job,
                       data={"kind": kind, "file": job.filename, "sha256": job.sha256, "applies": preview.pk})
    transaction.on_commit(lambda: enqueue(job.pk))
    return job
