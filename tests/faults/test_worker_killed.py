"""A Celery worker killed (SIGKILL, the whole process group: as the OOM killer or a power cut would) in
the middle of a certificate render, a text message's send and a report job: a new worker does each once.

The tasks are acks_late, so the broker still holds them; Redis hands them out again once the visibility
timeout has passed (production: CELERY_VISIBILITY_TIMEOUT, an hour; here 10 s). docs/faults.md."""

import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from core.models import SmsOutboxMessage
from core.sms import SMS_CLAIM_LEASE, sms_enqueue, sms_outbox_redispatch
from gov_services.certificates import services as cert_services
from gov_services.models import Certificate
from reports.models import ReportJob
from reports.services import report_job_request
from tests.faults.servers import broker_holds, wait_until
from tests.faults.simulators import sms_accepted
from tests.gov_services.certificate_helpers import approved_request, cert_item, seal  # noqa: F401  fixtures

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# Each task waits this long in its middle on the first worker: after it claimed its row, before it is done.
MIDDLE = {"core.sms.delivery:get_backend": 120, "gov_services.certificates.services.issue:render_pdf": 120,
          "reports.jobs:report_job_progress": 120}


def _report(user):
    from reports.gov_report import GovKpiParams

    today = timezone.localdate()
    params = {"report": GovKpiParams(date_from=today.replace(month=1, day=1), date_to=today).as_dict(),
              "filter_labels": [], "language": "zh-hans"}
    return report_job_request(user=user, kind="request_rows", file_format="csv", params=params,
                              idempotency_key=uuid.uuid4())


def test_the_tasks_of_a_killed_worker_are_done_once_by_the_next(workers, celery_eager, cert_item, seal,  # noqa: F811
                                                               station, officer, county_admin, private_files):
    first = workers(concurrency=4, FAULTS_SLOW=",".join(f"{k}={v}" for k, v in MIDDLE.items()),
                    FAULTS_VISIBILITY_TIMEOUT="10")
    celery_eager(True)  # the request's own texts (filed, approved) are not what this test kills
    request = approved_request(cert_item, station, officer)
    celery_eager(False)
    certificate = cert_services.certificate_issue(request=request, actor=officer)
    sms_enqueue(phone="13900000001", purpose="request_completed", reference="KILLED01",
                params={"code": "KILL-ED01", "service": "户籍证明", "link": "https://cz.example.cn/t"})
    job = _report(county_admin)
    message = SmsOutboxMessage.objects.get(reference="KILLED01")

    # All three in their middle: the text claimed (one attempt counted), the job running, the render begun.
    wait_until(lambda: SmsOutboxMessage.objects.filter(pk=message.pk, attempts=1).exists()
               and ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING).exists()
               and "certificate_render_pdf" in first.log.read_text(errors="replace"),
               seconds=60, what="all three tasks started")
    time.sleep(1)
    first.kill()
    killed_at = time.monotonic()
    assert SmsOutboxMessage.objects.get(pk=message.pk).status == SmsOutboxMessage.Status.QUEUED
    assert Certificate.objects.get(pk=certificate.pk).pdf_status == Certificate.PdfStatus.PENDING

    workers(concurrency=2, FAULTS_VISIBILITY_TIMEOUT="10")
    wait_until(lambda: Certificate.objects.filter(pk=certificate.pk, pdf_status=Certificate.PdfStatus.READY).exists()
               and ReportJob.objects.filter(pk=job.pk, status__in=[ReportJob.Status.DONE, ReportJob.Status.FAILED])
               .exists(), seconds=90, step=0.25, what="the render and the report done by the new worker")
    recovered = time.monotonic() - killed_at
    wait_until(lambda: broker_holds(workers.env["FAULTS_BROKER_URL"]) == 0, seconds=20,
               what="the broker emptied")
    # The text's redelivery leaves the row the killed worker claimed alone (it cannot tell a dead claimant
    # from a slow one): the redispatch takes it over once the claim is older than SMS_CLAIM_LEASE.
    assert SmsOutboxMessage.objects.get(pk=message.pk).status == SmsOutboxMessage.Status.QUEUED
    SmsOutboxMessage.objects.filter(pk=message.pk).update(
        last_attempt_at=timezone.now() - SMS_CLAIM_LEASE - timedelta(minutes=1))
    assert sms_outbox_redispatch() == 1
    wait_until(lambda: SmsOutboxMessage.objects.filter(pk=message.pk, status=SmsOutboxMessage.Status.SENT).exists(),
               seconds=60, step=0.25, what="the text sent after its claim lease")
    time.sleep(12)  # past one more visibility timeout: nothing is handed out a third time

    message.refresh_from_db()
    certificate.refresh_from_db()
    job.refresh_from_db()
    texts = sms_accepted(workers.env["FAULTS_SMS_LOG"])["13900000001"]
    # Files in the storage the fields use; a second save of the same name would have got a suffix.
    pdfs = list(Path(certificate.pdf.path).parent.glob(f"{Path(certificate.pdf.name).stem.split('_')[0]}*"))
    assert job.status == ReportJob.Status.DONE and job.file, job.error
    report_files = list(Path(job.file.path).parent.glob(f"{Path(job.filename).stem}*"))
    print(f"\nworker killed mid-task: 3 tasks (certificate render, SMS send, report job); lost 0; "
          f"texts accepted by the gateway {texts}, certificate PDFs {len(pdfs)}, report files {len(report_files)}; "
          f"render and report done {recovered:.1f} s after the kill (visibility timeout 10 s), "
          f"the text by the redispatch after its claim lease")
    assert texts == 1 and message.attempts == 2  # claimed by the killed worker, sent after the lease
    assert certificate.pdf_status == Certificate.PdfStatus.READY and len(pdfs) == 1
    assert len(report_files) == 1
    assert broker_holds(workers.env["FAULTS_BROKER_URL"]) == 0
