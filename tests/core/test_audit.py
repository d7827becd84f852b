import pytest
from django.db import IntegrityError, connection, transaction

from core.audit import audit_event_record, audit_events_for
from core.models import AuditEvent


@pytest.mark.django_db
def test_audit_event_records_actor_action_and_target(station, county_admin):
    event = audit_event_record(actor=county_admin, action="station.checked", target=station, data={"ok": True})
    assert list(audit_events_for(station).filter(action="station.checked")) == [event]
    assert event.actor == county_admin and event.target_repr == station.name and event.data == {"ok": True}


@pytest.mark.django_db
def test_anonymous_actor_is_recorded_as_none(station):
    from django.contrib.auth.models import AnonymousUser

    event = audit_event_record(actor=AnonymousUser(), action="station.viewed", target=station)
    assert event.actor is None


@pytest.mark.django_db
def test_the_database_refuses_to_edit_or_delete_audit_events(station):
    event = audit_event_record(actor=None, action="station.checked", target=station)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    for sql in (f"UPDATE core_auditevent SET action = 'forged' WHERE id = {event.pk}",
                f"UPDATE core_auditevent SET at = at WHERE id = {event.pk}",
                f"DELETE FROM core_auditevent WHERE id = {event.pk}",
                "DELETE FROM core_auditevent"):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "station.checked"
