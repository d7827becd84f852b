
"""A request's events and the certificate print log are append-only in the database itself, on
SQLite as on PostgreSQL (docs/database-invariants.md): raw SQL cannot change or delete them."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from gov_services.certificates import services
from gov_services.models import RequestEvent
from tests.gov_services.certificate_helpers import HOLDER_NAME

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


def refused(sql: str) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_a_requests_events_cannot_be_changed_or_deleted(approved):
    event = RequestEvent.objects.filter(request=approved).first()
    for sql in (f"UPDATE gov_services_requestevent SET note = 'forged' WHERE id = {event.pk}",
                f"UPDATE gov_services_requestevent SET to_status = 'rejected' WHERE id = {event.pk}",
                f"DELETE FROM gov_services_requestevent WHERE id = {event.pk}",
                "DELETE FROM gov_services_requestevent"):
        refused(sql)
    assert RequestEvent.objects.get(pk=event.pk).note == event.note


def test_the_certificate_print_log_cannot_be_changed_or_deleted(issued, station_operator):
    entry = services.certificate_print_record(
        certificate=issued, actor=station_operator, idempotency_key=uuid.uuid4(), collector_name=HOLDER_NAME,
        collector_id_number=issued.request.applicant_id_number, collector_is_holder=True, id_checked=True)
    for sql in (f"UPDATE gov_services_certificateprint SET collector_name = '别人' WHERE id = {entry.pk}",
                f"DELETE FROM gov_services_certificateprint WHERE id = {entry.pk}",
                "DELETE FROM gov_services_certificateprint"):
        refused(sql)
    assert issued.prints.get().collector_name == HOLDER_NAME
