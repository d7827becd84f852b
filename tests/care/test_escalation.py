"""The minute clock's chain (care/clock.py): late by its limit, a step alerts the care desk and the operator
who took the call; late by its limit again, it is escalated to the township and county admins; each once."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from care import clock
from care.models import CareAlert, CareCall
from care.services import calls as services
from core.audit import audit_events_for
from core.models import SmsOutboxMessage
from tests.clock import clock_at

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def times(**overrides):
    return {"urgency": "routine", "created_at": T0, "accepted_at": None, "arrived_at": None, "completed_at": None,
            **overrides}


def test_a_late_step_climbs_the_chain_by_multiples_of_its_limit():
    limit = timedelta(minutes=clock.LIMITS["routine"]["accept"])
    assert clock.overdue(T0 + limit, **times()) == []
    assert clock.overdue(T0 + limit + timedelta(seconds=1), **times()) == [("accept", "late")]
    assert clock.overdue(T0 + 2 * limit, **times()) == [("accept", "late")]
    assert clock.overdue(T0 + 2 * limit + timedelta(seconds=1), **times()) == [("accept", "late"),
                                                                                ("accept", "escalated")]


def test_the_chain_of_a_later_step_starts_when_the_one_before_is_done():
    accepted = T0 + timedelta(minutes=3)
    limit = timedelta(minutes=clock.LIMITS["urgent"]["arrive"])
    at = accepted + 2 * limit + timedelta(seconds=1)
    assert clock.overdue(at, **times(urgency="urgent", accepted_at=accepted)) == [("arrive", "late"),
                                                                                  ("arrive", "escalated")]
    assert clock.overdue(at, **times(urgency="urgent", accepted_at=accepted, arrived_at=at)) == []
    assert [clock.mark("arrive", "late"), clock.mark("arrive", "escalated")] == ["arrive", "arrive:escalated"]


@pytest.mark.django_db
def test_a_call_nobody_accepts_alerts_the_desk_then_reaches_the_admins_once(world, django_capture_on_commit_callbacks):
    world["county_admin"].phone = "13300000001"
    world["county_admin"].save(update_fields=["phone"])
    call = services.care_call_take(actor=world["operator"], resident=world["resident"], service="medicine",
                                   urgency="routine", description="买药", idempotency_key=uuid.uuid4())
    limit = clock.LIMITS["routine"]["accept"]
    with django_capture_on_commit_callbacks(execute=True):
        with clock_at(call.created_at + timedelta(minutes=limit + 1)):
            assert services.care_calls_sweep() == {"expired": 0, "late": 1, "escalated": 0}
        with clock_at(call.created_at + timedelta(minutes=2 * limit + 1)):
            assert services.care_calls_sweep() == {"expired": 0, "late": 0, "escalated": 1}
            assert services.care_calls_sweep() == {"expired": 0, "late": 0, "escalated": 0}
    call.refresh_from_db()
    assert call.late_steps == ["accept", "accept:escalated"] and call.status == CareCall.Status.NEW
    assert set(CareAlert.objects.filter(call=call).values_list("kind", flat=True)) == {"late", "escalated"}
    assert list(SmsOutboxMessage.objects.filter(purpose="care_late").values_list("phone", flat=True)) == [
        world["operator"].phone]  # took the call and works the county's desk: one text
    escalation = SmsOutboxMessage.objects.get(purpose="care_escalated")
    assert escalation.phone == "13300000001" and call.reference in escalation.text
    actions = list(audit_events_for(call).values_list("action", flat=True))
    assert actions.count("care.call.late") == 1 and actions.count("care.call.escalated") == 1


@pytest.mark.django_db
def test_a_call_taken_at_the_counter_alerts_the_desk_too(world, django_capture_on_commit_callbacks):
    from accounts.roles import Role
    from stations.models import StaffAssignment
    from tests.factories import StaffAssignmentFactory, UserFactory

    counter = UserFactory(roles=[Role.OPERATOR], phone="13100000001")
    StaffAssignmentFactory(user=counter, station=world["station"], role=StaffAssignment.Role.OPERATOR)
    call = services.care_call_take(actor=counter, resident=world["resident"], service="medicine", urgency="urgent",
                                   description="头晕", idempotency_key=uuid.uuid4(), channel="counter")
    with clock_at(call.created_at + timedelta(minutes=clock.LIMITS["urgent"]["accept"] + 1)), \
            django_capture_on_commit_callbacks(execute=True):
        services.care_calls_sweep()
    phones = set(SmsOutboxMessage.objects.filter(purpose="care_late").values_list("phone", flat=True))
    assert phones == {"13100000001", world["operator"].phone}
