"""Two sweeps at the same moment on PostgreSQL: the unique keys let each card, escalation and closing
happen once, with one RequestEvent and one text message each."""

import threading

import pytest
from django.db import connection
from django.db.models import Count

from core.models import SmsOutboxMessage
from gov_services.models import Escalation, RequestEvent, ServiceRequest, SupervisionCard
from gov_services.services import supervision as services
from gov_services.services.supervision import supervision_settings_ensure, supervision_sweep_run
from tests.gov_services.supervision_helpers import Office, at

pytestmark = pytest.mark.postgres


@pytest.fixture
def office(tree):
    return Office(tree)

ACCEPTED = at(2025, 3, 3, 10)


def _run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # handed back to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_issue_nothing_twice(office, tree, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 7)          # many small batches: the runs interleave
    monkeypatch.setattr(services, "NOTIFY_BATCH_SIZE", 5)
    supervision_settings_ensure(county=tree["county"])
    running = [office.accepted(ACCEPTED) for _ in range(40)]
    returned = [office.accepted(ACCEPTED, status="returned", paused_at=at(2025, 1, 6)) for _ in range(10)]
    now = at(2025, 3, 21, 9)   # overdue since Tuesday: yellow and red cards and the supervision call
    first, second = _run_together(lambda: supervision_sweep_run(now=now), lambda: supervision_sweep_run(now=now))
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
    duplicates = (SmsOutboxMessage.objects.values("reference", "phone", "purpose").annotate(n=Count("pk"))
                  .filter(n__gt=1, purpose="card_yellow"))
    assert not duplicates.exists()
    assert SmsOutboxMessage.objects.filter(purpose="escalation").count() == 40  # to the head, once each
