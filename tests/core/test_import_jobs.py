"""Spreadsheet imports as background jobs (core/import_jobs.py): queued at commit, progress while they
run, a stored report, one job for a double submit, failures shown, other users' jobs out of reach."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import translation

from core.import_jobs import (
    STEP_READING,
    access_import_job_by_id,
    import_job_apply,
    import_job_report,
    import_job_run,
    import_job_status,
    import_job_submit,
)
from core.models import AuditEvent, ImportJob
from core.spreadsheets import ImportReport, Problem

pytestmark = pytest.mark.django_db
KIND = "tests.things"


@pytest.fixture(autouse=True)
def _private_files(private_files):
    """Uploads are stored in a temporary private folder."""


def submit(user, content=b"a,b\r\n1,2\r\n", key=None, enqueue=None, params=None):
    return import_job_submit(user=user, kind=KIND, params=params or {"county_id": 1},
                             upload=SimpleUploadedFile("物品.csv", content), idempotency_key=key or uuid.uuid4(),
                             enqueue=enqueue or (lambda job_id: None))


def test_a_job_is_queued_after_the_commit_with_the_upload_stored_privately(county_admin,
                                                                           django_capture_on_commit_callbacks):
    queued = []
    with django_capture_on_commit_callbacks() as callbacks, translation.override("en"):
        job = submit(county_admin, enqueue=queued.append)
        assert queued == []
    for callback in callbacks:
        callback()
    assert queued == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.filename, job.params) == ("queued", "物品.csv", {"county_id": 1, "language": "en"})
    assert job.file.read() == b"a,b\r\n1,2\r\n" and len(job.sha256) == 64
    assert AuditEvent.objects.filter(action="import_job.submitted", target_id=str(job.pk)).exists()


def test_running_a_job_records_its_progress_then_its_report_and_deletes_the_upload(county_admin):
    job = submit(county_admin)
    seen = []

    def run(running, file, progress):
        assert file.read() == b"a,b\r\n1,2\r\n"
        progress(40, STEP_READING)
        seen.append(ImportJob.objects.values_list("status", "progress", "step").get(pk=running.pk))
        return ImportReport(rows=1, created=1, created_codes=["1"])

    done = import_job_run(job_id=job.pk, run=run)
    assert seen == [("running", 40, "Reading the file")]
    assert (done.status, done.progress, done.step) == ("done", 100, "") and not done.file
    assert import_job_report(done).created_codes == ["1"] and import_job_report(done).ok
    assert import_job_status(done) == {"status": "done", "status_label": "已完成", "progress": 100, "step": "",
                                       "finished": True}
    assert AuditEvent.objects.get(action="import_job.done").data == {
        "rows": 1, "created": 1, "updated": 0, "unchanged": 0, "problem_count": 0}


def test_a_second_delivery_of_the_task_does_nothing(county_admin):
    job = submit(county_admin)
    import_job_run(job_id=job.pk, run=lambda *args: ImportReport())
    assert import_job_run(job_id=job.pk, run=lambda *args: pytest.fail("ran twice")) is None


def test_a_job_that_breaks_ends_failed_and_its_page_says_nothing_was_changed(county_admin):
    job = submit(county_admin)

    def run(*args):
        raise RuntimeError("the disk is full")

    failed = import_job_run(job_id=job.pk, run=run)
    assert failed.status == "failed" and failed.error == "RuntimeError: the disk is full" and not failed.file
    assert import_job_report(failed) is None
    html = render_to_string("core/_import_job.html", {"job": failed})
    assert "没有任何改动" in html


def test_a_refused_import_keeps_its_problems_in_the_report(county_admin):
    job = submit(county_admin)
    report = ImportReport(problems=[Problem(3, "编码", "不能为空。"), Problem(None, "", "文件太大。")])
    done = import_job_run(job_id=job.pk, run=lambda *args: report)
    again = import_job_report(done)
    assert not again.ok and again.bad_lines == [3] and again.problems == report.problems
    html = render_to_string("core/_import_job.html", {"job": done, "report": again})
    assert "不能为空。" in html and "data-problems" in html


def test_a_double_submit_with_the_same_key_returns_the_first_job(county_admin):
    key = uuid.uuid4()
    first = submit(county_admin, key=key)
    assert submit(county_admin, key=key, content=b"other") == first
    assert ImportJob.objects.count() == 1


def test_the_same_file_sent_again_while_its_job_waits_starts_no_second_job(county_admin):
    first = submit(county_admin)
    assert submit(county_admin) == first
    assert submit(county_admin, params={"county_id": 2}) != first  # into somewhere else: its own job
    import_job_run(job_id=first.pk, run=lambda *args: ImportReport())
    assert submit(county_admin) != first  # a deliberate re-import once the first is done


def test_another_users_job_or_another_kind_is_not_found(county_admin, superuser):
    job = submit(superuser)
    with pytest.raises(Http404):
        access_import_job_by_id(user=county_admin, job_id=job.pk, kind=KIND)
    with pytest.raises(Http404):
        access_import_job_by_id(user=superuser, job_id=job.pk, kind="shop.products")
    with pytest.raises(Http404):
        submit(county_admin, key=job.idempotency_key)
    assert access_import_job_by_id(user=superuser, job_id=str(job.pk), kind=KIND) == job


def test_a_clean_preview_keeps_its_file_for_the_one_job_that_applies_it(county_admin):
    preview = submit(county_admin, params={"preview": True})
    import_job_run(job_id=preview.pk, run=lambda job, file, progress: ImportReport(rows=1, created=1))
    preview.refresh_from_db()
    assert preview.status == "done" and preview.file
    queued = []
    job = import_job_apply(user=county_admin, preview_job_id=preview.pk, kind=KIND, idempotency_key=uuid.uuid4(),
                           enqueue=queued.append)
    preview.refresh_from_db()
    assert not preview.file and job.file.read() == b"a,b\r\n1,2\r\n"
    assert job.params == {"preview": False, "preview_of": preview.pk, "language": "zh-hans"}
    seen = []
    import_job_run(job_id=job.pk, run=lambda running, file, progress: seen.append(file.read()) or ImportReport())
    assert seen == [b"a,b\r\n1,2\r\n"]
    # Applied again with a new key (a second tab, a replayed form): the first apply, nothing queued.
    assert import_job_apply(user=county_admin, preview_job_id=preview.pk, kind=KIND, idempotency_key=uuid.uuid4(),
                            enqueue=queued.append) == job
    assert ImportJob.objects.filter(params__preview_of=preview.pk).count() == 1


@pytest.mark.parametrize("report", [ImportReport(problems=[Problem(2, "编码", "不能为空。")]),
                                    ImportReport(rows=1, unchanged=1)], ids=["problems", "nothing to change"])
def test_a_preview_that_found_problems_or_nothing_to_change_keeps_no_file_and_cannot_be_applied(
        county_admin, superuser, report):
    preview = submit(county_admin, params={"preview": True})
    import_job_run(job_id=preview.pk, run=lambda *args: report)
    preview.refresh_from_db()
    assert not preview.file
    with pytest.raises(ValidationError):
        import_job_apply(user=county_admin, preview_job_id=preview.pk, kind=KIND, idempotency_key=uuid.uuid4(),
                         enqueue=lambda job_id: None)
    with pytest.raises(Http404):
        import_job_apply(user=superuser, preview_job_id=preview.pk, kind=KIND, idempotency_key=uuid.uuid4(),
                         enqueue=lambda job_id: None)
