
"""Delivering and re-using certificates (gov_services/certificates/services): mailing, printing to the holder
or a collector, reprints, and attaching a certificate from the wallet to a later application."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from gov_services.certificates import services
from tests.factories import ServiceRequestFactory, staff_user, valid_id_number
from tests.gov_services.certificate_helpers import HOLDER_NAME

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


# --- Delivery ------------------------------------------------------------------------------------

def test_mailing_records_the_tracking_number_and_texts_the_resident(issued_no_pdf, officer):
    from core.models import SmsOutboxMessage

    services.certificate_mail(certificate=issued_no_pdf, actor=officer, address="乐亭县胡家坨镇大黑坨村5号",
                              tracking_number="SF1234567890")
    issued_no_pdf.refresh_from_db()
    assert issued_no_pdf.delivery == "mail" and issued_no_pdf.mailed_at
    assert issued_no_pdf.mail_tracking_number == "SF1234567890"
    message = SmsOutboxMessage.objects.get(purpose="certificate_mailed")
    assert "SF1234567890" in message.text and message.phone == issued_no_pdf.request.applicant_phone
    assert message.params == {"certificate": issued_no_pdf.certificate_type.title,
                              "serial": issued_no_pdf.serial,
                              "tracking": "SF1234567890"}


def test_a_print_to_the_holder_checks_their_name_and_id_against_the_certificate(issued, station_operator):
    right = issued.request.applicant_id_number
    with pytest.raises(ValidationError) as error:
        services.certificate_print_record(certificate=issued, actor=station_operator, idempotency_key=uuid.uuid4(),
                                          collector_name=HOLDER_NAME, collector_id_number=valid_id_number(999),
                                          collector_is_holder=True, id_checked=True)
    assert "collector_id_number" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.certificate_print_record(certificate=issued, actor=station_operator, idempotency_key=uuid.uuid4(),
                                          collector_name=HOLDER_NAME, collector_id_number=right,
                                          collector_is_holder=True, id_checked=False)
    assert "id_checked" in error.value.message_dict
    entry = services.certificate_print_record(certificate=issued, actor=station_operator,
                                              idempotency_key=uuid.uuid4(), collector_name=HOLDER_NAME,
                                              collector_id_number=right, collector_is_holder=True, id_checked=True)
    assert entry.station == issued.request.station and not entry.is_reprint
    assert entry.collector_id_masked == f"{right[:6]}********{right[-4:]}"


def test_reprints_are_logged_and_a_double_submit_logs_once(issued, officer, station_operator):
    key = uuid.uuid4()
    kwargs = {"certificate": issued, "collector_name": "李四", "collector_id_number": valid_id_number(500),
              "collector_is_holder": False, "id_checked": True}
    first = services.certificate_print_record(actor=station_operator, idempotency_key=key, **kwargs)
    assert services.certificate_print_record(actor=station_operator, idempotency_key=key, **kwargs) == first
    second = services.certificate_print_record(actor=officer, idempotency_key=uuid.uuid4(), **kwargs)
    assert second.is_reprint and second.station is None and issued.prints.count() == 2
    assert AuditEvent.objects.filter(action="certificate.reprint", actor=officer).exists()


def test_staff_of_another_station_cannot_print(issued, other_station):
    from accounts.roles import Role

    stranger = staff_user(Role.OPERATOR, station=other_station)
    with pytest.raises(PermissionDenied):
        services.certificate_print_record(certificate=issued, actor=stranger, idempotency_key=uuid.uuid4(),
                                          collector_name="李四", collector_id_number=valid_id_number(500),
                                          collector_is_holder=False, id_checked=True)


# --- The wallet -----------------------------------------------------------------------------------

def test_a_certificate_from_the_wallet_is_attached_to_a_later_application_once(issued, holder, cert_item, station):
    later = ServiceRequestFactory(item=cert_item, station=station, applicant_user=holder)
    attachment = services.certificate_attach_to_request(certificate=issued, request=later, actor=holder)
    assert attachment.sha256 == issued.pdf_sha256 and attachment.content_type == "application/pdf"
    assert services.certificate_attach_to_request(certificate=issued, request=later, actor=holder) == attachment
    assert later.attachments.count() == 1 and later.events.filter(note__contains=issued.serial).exists()


def test_nobody_attaches_someone_elses_certificate(issued, cert_item, station, resident):
    theirs = ServiceRequestFactory(item=cert_item, station=station, applicant_user=resident)
    with pytest.raises(PermissionDenied):
        services.certificate_attach_to_request(certificate=issued, request=theirs, actor=resident)


def test_a_request_already_under_review_takes_no_new_attachments(issued, holder, cert_item, station):
    later = ServiceRequestFactory(item=cert_item, station=station, applicant_user=holder, status="under_review")
    with pytest.raises(ValidationError):
        services.certificate_attach_to_request(certificate=issued, request=later, actor=holder)

