"""The demo's spreadsheets (demo/data/) imported as a county's admins import theirs on the set-up screens.

A file is checked first (a job that writes nothing and reports row by row), then applied (a second job on
the file the check kept), through the very services behind those screens (core/import_jobs.py); only
the catalogue, whose screen imports at once, has no check. The jobs run here, at once, not on Celery.

A file's jobs are keyed by its name and content, so seeding again finds the jobs of an unchanged file and
imports nothing; a file that changed is checked and applied again, and only its changes are written. A
file the import refuses stops the seed with the import's own row-by-row report.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import ImportJob

DATA = Path(__file__).resolve().parents[1] / "data"
NAMESPACE = uuid.UUID("9b2f6c1e-4d7a-4e35-8c0b-51f2a6d3e8c7")  # the jobs' idempotency keys are uuid5s

Submit = Callable[[SimpleUploadedFile, uuid.UUID], ImportJob]      # (file, key) → a check (or import) job
Apply = Callable[[ImportJob, uuid.UUID], ImportJob]                 # (finished check, key) → the import job
Run = Callable[..., object]                                         # run(job_id=…): the job's Celery task body


class DemoDataRefused(Exception):
    """A demo file that its import refused: the file and the import's problems."""


def import_demo_file(name: str, *, submit: Submit, run: Run, apply: Apply | None = None) -> ImportJob:
    """Check `name` and, when the check finds something to create or change, apply it. Returns the last job
    (the check's when there was nothing to apply)."""
    data = (DATA / name).read_bytes()
    digest = hashlib.sha256(data).hexdigest()

    def key(stage: str) -> uuid.UUID:
        return uuid.uuid5(NAMESPACE, f"{name}:{digest}:{stage}")

    job = _finished(submit(SimpleUploadedFile(name, data), key("check")), run, name)
    if apply is None or not (job.result["created"] or job.result["updated"]):
        return job
    return _finished(apply(job, key("apply")), run, name)


def demo_file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _finished(job: ImportJob, run: Run, name: str) -> ImportJob:
    if job.status == ImportJob.Status.QUEUED:
        run(job_id=job.pk)  # its Celery task finds it done and leaves it
        job.refresh_from_db()
    if job.status != ImportJob.Status.DONE:
        raise DemoDataRefused(f"demo/data/{name}: the import {job.get_status_display()}: {job.error}")
    problems = job.result.get("problems") or []
    if problems or job.result.get("stale"):
        lines = [f"  line {line or '-'} {column}: {message}" for line, column, message in problems[:20]]
        raise DemoDataRefused("\n".join([f"demo/data/{name} was refused:", *lines]))
    return job
