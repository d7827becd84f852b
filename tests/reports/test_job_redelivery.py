"""A report job whose worker died mid-build: the broker's redelivery (acks_late) starts it over; an ordinary
duplicate delivery does nothing; a run that finishes after the job was finished by another keeps the first."""

import uuid

import pytest

from core.audit import audit_events_for
from reports.models import ReportJob
from reports.services import report_job_finish, report_job_start

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
