"""Spreadsheet imports as background jobs: submit, run with progress, finish with a report.

Every import runs as a job, small files too: the web process only stores the upload and answers
with the page that shows the job, so no web worker ever parses a spreadsheet, reloading the page
never imports twice, and the report stays at its address. With CELERY_BROKER_URL unset (the
embedded demo, the tests) the job runs at commit, before the page is shown.

An app owns its kind of import: it submits with the Celery task that runs it, and that task calls
`import_job_run` with a function (job, file, progress) → ImportReport. A double submit (the same
form key) returns the first job; the same file sent again while its first job is still waiting or
running returns that job too.

A dry run first, where an import offers one: the app submits with `params["preview"] = True` and its
run function checks every row and reports what it would create, change or refuse without writing. A
preview that found no problem keeps its file; `import_job_apply` then imports that same stored file as
a new job (the rows are checked again, since data may have changed in between). A user keeps at most
one preview file per kind: a new preview discards the files of older ones.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from core.audit import audit_event_record
from core.idempotency import insert_once
from core.models import ImportJob
from core.spreadsheets import Caps, ImportReport, Problem, SpreadsheetError, Table, read_table
from core.state_machine import StateMachine

logger = logging.getLogger(__name__)
Status = ImportJob.Status
_MACHINE = StateMachine.from_moves(Status, ImportJob.TRANSITIONS,
                                   refused=gettext_lazy("An import cannot go from “%(from)s” to “%(to)s”."))
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


def import_table_read(file, filename: str, *, caps: Caps, progress: Progress | None) -> tuple[Table | None, list[Problem]]:
    """Every import's opening: read the file on the first half of the bar, then set the bar to checking.
    (the table, []), or (None, [the problem]) when the file cannot be read (not a spreadsheet, over `caps`, …)."""
    try:
        table = read_table(file, filename, caps=caps, progress=reading_progress(progress))
    except SpreadsheetError as error:
        return None, [Problem(None, "", str(error))]
    if progress is not None:
        progress(60, STEP_CHECKING)
    return table, []


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
    if params.get("preview"):
        _discard_preview_files(user=user, kind=kind)
    job = ImportJob(user=user, kind=kind, params=params, idempotency_key=idempotency_key,
                    filename=upload.name[:200], sha256=digest.hexdigest())
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else "csv"
    job.file.save(f"{uuid.uuid4().hex}.{extension[:5]}", upload, save=False)
    with transaction.atomic():
        winner = insert_once(job)
        if winner is not None:  # the same key committed by a concurrent request a moment ago
            job.file.delete(save=False)
            return _own(winner, user, kind)
        audit_event_record(actor=user, action="import_job.submitted", target=job,
                           data={"kind": kind, "file": job.filename, "sha256": job.sha256, "params": params})
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def import_job_apply(*, user, preview_job_id, kind: str, idempotency_key: uuid.UUID,
                     enqueue: Callable[[int], object]) -> ImportJob:
    """The import a finished, clean preview described: a new job on the preview's file (handed over, so a
    preview is applied once), queued after the commit. The same key again returns that job."""
    existing = ImportJob.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _own(existing, user, kind)
    with transaction.atomic():
        preview = access_import_job_by_id(user=user, job_id=preview_job_id, kind=kind)
        preview = ImportJob.objects.select_for_update().get(pk=preview.pk)
        applied = ImportJob.objects.filter(user=user, kind=kind, params__preview_of=preview.pk).first()
        if applied is not None:  # a double click or a replayed form with a new key: the first apply
            return applied
        if not (preview.params.get("preview") and preview.status == Status.DONE and preview.file):
            raise ValidationError(_("This check cannot be applied (it found problems, or it was applied already). "
                                    "Upload the file again."), code="not_applicable")
        job = ImportJob(user=user, kind=kind, params={**preview.params, "preview": False, "preview_of": preview.pk},
                        idempotency_key=idempotency_key, filename=preview.filename, sha256=preview.sha256)
        job.file.name = preview.file.name
        job.save()
        preview.file = ""
        preview.save(update_fields=["file"])
        audit_event_record(actor=user, action="import_job.submitted", target=job,
                           data={"kind": kind, "file": job.filename, "sha256": job.sha256, "params": job.params})
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def _discard_preview_files(*, user, kind: str) -> None:
    for old in ImportJob.objects.filter(user=user, kind=kind, status=Status.DONE, params__preview=True).exclude(file=""):
        old.file.delete(save=False)
        old.save(update_fields=["file"])


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
    _MACHINE.move(job, Status.RUNNING)
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    return job


@transaction.atomic
def _end(job: ImportJob, status: str, *, report: ImportReport | None = None, error: str = "") -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _MACHINE.move(job, status)
    job.result = report.as_dict() if report is not None else {}
    job.error, job.progress, job.step, job.finished_at = error[:2000], 100, "", timezone.now()
    if not (job.params.get("preview") and report is not None and report.ok and (report.created or report.updated)):
        job.file.delete(save=False)  # the report is what stays; the upload is not kept (but to be applied)
    job.save(update_fields=["status", "result", "error", "progress", "step", "finished_at", "file"])
    data = {"error": job.error} if error else {key: job.result[key] for key in
                                               ("rows", "created", "updated", "unchanged", "problem_count")}
    audit_event_record(actor=job.user, action=f"import_job.{status}", target=job, data=data)
    return job




# --- Preview, then apply: the helpers the set-up imports share -------------------------------------------

def import_job_preview_submit(*, user, kind: str, params: dict, upload, idempotency_key: uuid.UUID,
                              enqueue: Callable[[int], object]) -> ImportJob:
    """Queue a dry run of `upload` (the user's earlier previews of this kind give up their kept files)."""
    return import_job_submit(user=user, kind=kind, params={**params, "preview": True}, upload=upload,
                             idempotency_key=idempotency_key, enqueue=enqueue)


def import_job_is_preview(job: ImportJob) -> bool:
    return bool(job.params.get("preview"))


def import_job_applied(job: ImportJob) -> ImportJob | None:
    """The job that applied this preview, if any."""
    return ImportJob.objects.filter(user=job.user_id, kind=job.kind, params__preview_of=job.pk).first()
