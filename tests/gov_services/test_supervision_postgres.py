"""Two sweeps at the same moment on PostgreSQL: the unique keys let each card, escalation and closing
happen once, with one RequestEvent each, and each person concerned gets one text."""

import pytest
from django.db import transaction
from django.db.models import Count

from core.models import SmsOutboxMessage
from gov_services.models import Escalation, RequestEvent, ServiceRequest, SupervisionCard
from gov_services.supervision.services import batches
from gov_services.supervision.services.county_settings import supervision_settings_ensure
from gov_services.supervision.services.sweep import supervision_sweep_run
from tests.concurrency import run_together
from tests.gov_services.supervision_helpers import Office, at

pytestmark = pytest.mark.postgres


@pytest.fixture
def office(tree):
    return Office(tree)

ACCEPTED = at(2025, 3, 3, 10)



@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_issue_nothing_twice(office, tree, monkeypatch):
    monkeypatch.setattr(batches, "BATCH_SIZE", 7)          # many small batches: the runs interleave
    supervision_settings_ensure(county=tree["county"])
    running = [office.accepted(ACCEPTED) for _ in range(40)]
    returned = [office.accepted(ACCEPTED, status="returned", paused_at=at(2025, 1, 6)) for _ in range(10)]
    now = at(2025, 3, 21, 9)   # overdue since Tuesday: yellow and red cards and the supervision call
    first, second = run_together(lambda: supervision_sweep_run(now=now), lambda: supervision_sweep_run(now=now))
    assert not isinstance(first, Exception), first
    assert not isinstance(second, Exception), second

    assert SupervisionCard.objects.count() == 80
    assert first.counts["red"] + second.counts["red"] == 40
    assert Escalation.objects.count() == 40            # the call, once each
    assert first.counts["escalations"] + second.counts["escalations"] == 40
    assert first.counts["expired"] + second.counts["expired"] == 10
    assert set(ServiceRequest.objects.filter(pk__in=[r.pk for r in returned]).values_list("status", flat=True)) \
        == {"closed"}
    per_request = (RequestEvent.objects.filter(request__in=running + returned)
                   .values("request", "action").annotate(n=Count("pk")))
    seen: dict[str, set[int]] = {}
    for row in per_request:
        seen.setdefault(row["action"], set()).add(row["n"])
    assert seen == {"card_yellow": {1}, "card_red": {1}, "escalate": {1}, "expire": {1}}
    assert RequestEvent.objects.filter(action="card_red").count() == 40
    # the head: one digest of the 40 supervision calls (the county's cards are one transaction, which
    # the other sweep waits for and then finds nothing left to issue); the officer: nothing (all red)
    [digest] = SmsOutboxMessage.objects.filter(phone=office.head.phone)
    assert digest.purpose == "supervision_digest" and "40 件已升级督办" in digest.text
    assert not SmsOutboxMessage.objects.filter(phone=office.officer.phone).exists()


def _issued():
    """Everything a sweep wrote, without ids and sweeps (which differ between two runs)."""
    cards = sorted(SupervisionCard.objects.values_list("request_id", "level", "department_id", "issued_at"))
    escalations = sorted(Escalation.objects.values_list("request_id", "step_id", "label", "card", "task",
                                                         "department_id", "responsible_id", "named_person_id",
                                                         "issued_at", "status", "outcome"))
    events = sorted((e.request_id, e.action, e.from_status, e.to_status, e.note, e.internal,
                     tuple(sorted((k, v) for k, v in e.data.items() if k != "sweep")))
                    for e in RequestEvent.objects.all())
    # a digest's reference names its sweep
    messages = sorted((phone, text, purpose, "" if purpose == "supervision_digest" else reference)
                      for phone, text, purpose, reference
                      in SmsOutboxMessage.objects.values_list("phone", "text", "purpose", "reference"))
    return cards, escalations, events, messages


@pytest.mark.django_db(transaction=True)
def test_the_set_based_path_writes_what_the_portable_path_writes(office, tree, monkeypatch):
    """INSERT … SELECT on PostgreSQL and the Python path (SQLite) issue the same rows, events and texts."""
    from gov_services.models import EscalationStep

    supervision_settings_ensure(county=tree["county"])
    EscalationStep.objects.filter(county=tree["county"], after_days=3).update(after_days=0)  # the interview too
    for township in (0, 1):
        office.accepted(ACCEPTED, township=township)
        office.accepted(at(2025, 3, 5, 10), township=township, assignee=office.head)
    office.accepted(ACCEPTED, due_at=at(2025, 3, 17, 15, 30).replace(microsecond=123456))
    now = at(2025, 3, 18, 9)
    outcomes = []
    for set_based in (True, False):
        monkeypatch.setattr(batches, "set_based", lambda value=set_based: value)
        with transaction.atomic():  # rolled back: the other path starts from the same requests (events are kept)
            supervision_sweep_run(now=now)
            supervision_sweep_run(now=now)  # and idempotent on both
            outcomes.append(_issued())
            transaction.set_rollback(True)
    assert outcomes[0] == outcomes[1]
    cards, escalations, events, messages = outcomes[0]
    assert len(cards) == 6 and len(escalations) == 6 and len(events) == 12 and messages
    assert any(row[7] == office.head.pk for row in escalations)  # the interview names the head
