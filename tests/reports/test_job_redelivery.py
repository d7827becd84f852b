"""A report job whose worker died mid-build: the broker's redelivery (acks_late) starts it over; an ordinary
duplicate delivery does nothing; a run that finishes after the job was finished by another keeps the first."""

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from core.audit import audit_events_for
from reports.models import ReportJob
from reports.services import report_job_finish, report_job_request, report_job_start, report_jobs_redispatch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


@pytest.fixture
def running(county_admin):
    job = ReportJob.objects.create(user=county_admin, idempotency_key=uuid.uuid4(), kind="gov_kpis",
                                   file_format="csv", params={})
    return report_job_start(job_id=job.pk)


def test_a_duplicate_delivery_leaves_a_running_job_to_its_worker(running):
    assert report_job_start(job_id=running.pk) is None


def test_a_redelivery_after_the_worker_died_starts_the_job_over(running):
    ReportJob.objects.filter(pk=running.pk).update(progress=60, step="汇总")
    again = report_job_start(job_id=running.pk, redelivered=True)
    assert (again.status, again.progress, again.step) == (ReportJob.Status.RUNNING, 0, "")
    assert audit_events_for(again).filter(action="report_job.restarted").count() == 1


def test_a_run_finishing_after_another_finished_the_job_keeps_the_first_file(running):
    first = report_job_finish(job=running, content=b"a,b\n", filename="first.csv")
    late = report_job_finish(job=running, content=b"c,d\n", filename="late.csv")
    assert (late.status, late.filename) == (ReportJob.Status.DONE, first.filename)


def test_jobs_whose_hand_off_was_lost_are_handed_over_again_once_they_are_old(county_admin, monkeypatch):
    handed = []
    monkeypatch.setattr("reports.services.hand_off", lambda task, *, args, what: handed.append(args[0]) or False)
    old, new = (ReportJob.objects.create(user=county_admin, idempotency_key=uuid.uuid4(), kind="gov_kpis",
                                         file_format="csv", params={}) for _ in range(2))
    ReportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert report_jobs_redispatch() == 1 and handed == [old.pk]
    report_job_start(job_id=old.pk)
    assert report_jobs_redispatch(older_than=timedelta(0)) == 1 and handed == [old.pk, new.pk]  # running: left


def test_a_report_asked_for_while_the_broker_is_down_stays_queued_and_the_page_is_unharmed(
        county_admin, monkeypatch, django_capture_on_commit_callbacks):
    from reports.tasks import run_report_job

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis refused")

    monkeypatch.setattr(run_report_job, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        job = report_job_request(user=county_admin, kind="gov_kpis", file_format="csv", params={},
                                 idempotency_key=uuid.uuid4())
    assert ReportJob.objects.get(pk=job.pk).status == ReportJob.Status.QUEUED
    assert "report-jobs-redispatch-stale" in settings.CELERY_BEAT_SCHEDULE
