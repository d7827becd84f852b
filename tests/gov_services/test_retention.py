"""Retention of requests' personal data (gov_services/requests/retention.py through core/retention.py): scans and
signatures of requests closed longer than the period are deleted (files too), applicants anonymised; open
requests and recent ones are untouched; a dry run changes nothing; every run is reported and audited."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from core.models import AuditEvent, RetentionRun
from core.retention import personal_data_retention_run
from gov_services.models import Attachment, RequestEvent, ServiceRequest
from tests.clock import clock_at
from tests.factories import ServiceItemFactory, ServiceRequestFactory, jpeg_bytes, png_bytes

pytestmark = pytest.mark.django_db

YEARS_AGO_4 = timedelta(days=4 * 365)


def _request(department, *, status, age: timedelta):
    """A request whose last event is `age` old, with one scan and a pad signature on disk."""
    with clock_at(timezone.now() - age):
        request = ServiceRequestFactory(item=ServiceItemFactory(department=department), status=status,
                                        form_data={"address": "乐亭县某村 8 号"})
        RequestEvent.objects.create(request=request, action="complete", from_status="approved", to_status=status)
        scan = Attachment(request=request, original_name="户口本.jpg", content_type="image/jpeg", size=10, sha256="0" * 64)
        scan.file.save("scan.jpg", ContentFile(jpeg_bytes()), save=True)
        request.signature.save("sign.png", ContentFile(png_bytes()), save=True)
    return request


def _file_exists(field) -> bool:
    return field.storage.exists(field.name)


def test_a_request_closed_past_the_period_loses_its_scans_and_its_applicant(department, settings,
                                                                            django_capture_on_commit_callbacks):
    settings.PERSONAL_DATA_RETENTION_DAYS = {"request_scans": 3 * 365, "request_applicant": 3 * 365}
    old = _request(department, status=ServiceRequest.Status.COMPLETED, age=YEARS_AGO_4)
    scan = old.attachments.get()
    scan_file, signature_file = scan.file, old.signature
    name, id_number = old.applicant_name, old.applicant_id_number

    with django_capture_on_commit_callbacks(execute=True):  # the files go once the rows' deletion commits
        run = personal_data_retention_run()

    assert run.outcome["request_scans"]["records"] == 2 and run.outcome["request_applicant"]["records"] == 1
    old.refresh_from_db()
    assert not old.attachments.exists() and not old.signature
    assert not _file_exists(scan_file) and not _file_exists(signature_file)
    assert old.applicant_name == name[0] + "*" * (len(name) - 2) + name[-1]
    assert old.applicant_id_number == id_number[:6] + "*" * 8 + id_number[-4:]
    assert "****" in old.applicant_phone and old.form_data == {}
    note = old.events.get(action="note")
    assert note.internal and "保存期限" in note.note
    assert AuditEvent.objects.filter(action="personal_data.retention_run", target_id=str(run.pk)).count() == 1

    again = personal_data_retention_run()  # nothing left to do, and nothing masked twice
    assert again.outcome["request_scans"]["records"] == 0 and again.outcome["request_applicant"]["records"] == 0
    old.refresh_from_db()
    assert old.applicant_id_number == id_number[:6] + "*" * 8 + id_number[-4:]


def test_open_and_recently_closed_requests_keep_everything(department):
    open_old = _request(department, status=ServiceRequest.Status.UNDER_REVIEW, age=YEARS_AGO_4)
    recent = _request(department, status=ServiceRequest.Status.COMPLETED, age=timedelta(days=30))
    run = personal_data_retention_run()
    assert run.outcome["request_scans"]["records"] == 0
    for request in (open_old, recent):
        before = request.applicant_id_number
        request.refresh_from_db()
        assert request.attachments.count() == 1 and _file_exists(request.attachments.get().file)
        assert request.applicant_id_number == before and request.form_data


def test_an_event_after_closing_restarts_the_period(department):
    old = _request(department, status=ServiceRequest.Status.CLOSED, age=YEARS_AGO_4)
    RequestEvent.objects.create(request=old, action="note", from_status="closed", to_status="closed", note="复查")
    assert personal_data_retention_run().outcome["request_scans"]["records"] == 0


def test_a_shorter_period_set_by_the_county_applies(department, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = {"request_scans": 20}
    _request(department, status=ServiceRequest.Status.REJECTED, age=timedelta(days=30))
    run = personal_data_retention_run()
    assert run.outcome["request_scans"] == {"days": 20, "cutoff": run.outcome["request_scans"]["cutoff"], "records": 2}
    assert run.outcome["request_applicant"]["records"] == 0  # its default, three years, is not reached


def test_a_dry_run_counts_and_changes_nothing(department, capsys):
    old = _request(department, status=ServiceRequest.Status.COMPLETED, age=YEARS_AGO_4)
    call_command("personal_data_retention", "--dry-run")
    printed = capsys.readouterr().out
    assert "request_scans: kept 1095 days" in printed and "2 records" in printed
    assert old.attachments.count() == 1 and _file_exists(old.attachments.get().file)
    assert RetentionRun.objects.get().dry_run
    assert not AuditEvent.objects.filter(action="personal_data.retention_run").exists()


def test_a_failing_rule_is_reported_and_the_others_still_run(department, monkeypatch):
    from core import retention

    old = _request(department, status=ServiceRequest.Status.COMPLETED, age=YEARS_AGO_4)
    broken = retention.RetentionRule("broken", "broken", 1, lambda cutoff, dry_run: 1 / 0)
    monkeypatch.setitem(retention.RULES, "broken", broken)
    run = personal_data_retention_run()
    assert run.outcome["broken"]["error"].startswith("ZeroDivisionError")
    assert run.outcome["request_scans"]["records"] == 2 and not old.attachments.exists()


def test_the_data_officer_sees_the_rules_and_the_runs(client, department):
    from accounts.roles import Role
    from tests.factories import UserFactory

    personal_data_retention_run(dry_run=True)
    client.force_login(UserFactory(roles=[Role.DATA_OFFICER]))
    page = client.get("/ops/personal-data/").content.decode()
    assert "request_scans" in page and "1095" in page and "试运行" in page


def test_a_long_history_is_worked_off_in_batches(department, monkeypatch):
    from gov_services.requests import retention

    monkeypatch.setattr(retention, "BATCH", 2)
    for _n in range(3):
        _request(department, status=ServiceRequest.Status.COMPLETED, age=YEARS_AGO_4)
    assert personal_data_retention_run().outcome["request_applicant"]["records"] == 2
    assert personal_data_retention_run().outcome["request_applicant"]["records"] == 1
    assert personal_data_retention_run().outcome["request_applicant"]["records"] == 0
    assert not Attachment.objects.exists()
