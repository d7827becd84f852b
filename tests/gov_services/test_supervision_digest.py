"""The sweep's texts: one per person per sweep (a digest counting their new cards and escalations, or the
text about the one request concerned), queued in bulk; a county swept twice for the same moment issues
nothing new; the beat's task fans the counties out (eagerly here, and through a real worker)."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from config.celery import app
from core.models import SmsOutboxMessage
from gov_services.models import Escalation, RequestEvent, SupervisionCard, SupervisionSweep
from gov_services.notifications import render_digest
from gov_services.supervision.services.sweep import (
    supervision_sweep_open,
    supervision_sweep_region_run,
    supervision_sweep_run,
)
from gov_services.tasks.supervision import supervision_sweep, supervision_sweep_region
from tests.factories import county_tree
from tests.gov_services.supervision_helpers import Office, at

pytestmark = pytest.mark.django_db

ACCEPTED = at(2025, 3, 3, 10)  # due at the end of Monday 17 March
LATER = at(2025, 3, 4, 10)  # due at the end of Tuesday 18 March
RED_TIME = at(2025, 3, 18, 9)  # the first overdue, the second on its last day (yellow)


@pytest.fixture
def office(tree):
    return Office(tree)


def _texts_to(phone):
    return list(SmsOutboxMessage.objects.filter(phone=phone).order_by("pk"))


def test_each_person_gets_one_digest_counting_their_new_cards_and_escalations(
    office, django_capture_on_commit_callbacks
):
    overdue = [office.accepted(ACCEPTED) for _ in range(3)]
    near = [office.accepted(LATER) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        sweep = supervision_sweep_run(now=RED_TIME)
    assert len(hooks) == 1  # both texts handed to Celery in one batch
    assert (sweep.counts["red"], sweep.counts["yellow"], sweep.counts["escalations"]) == (3, 5, 5)
    # the officer: the yellow step of the two near their limit (the overdue ones went to the head)
    [to_officer] = _texts_to(office.officer.phone)
    assert to_officer.purpose == "supervision_digest"
    assert to_officer.text.startswith("督办提醒：您有 2 件即将超期（黄牌）")
    assert to_officer.text.endswith("/dept/?bucket=due_soon")
    # the head: the supervision call of the three overdue ones
    [to_head] = _texts_to(office.head.phone)
    assert to_head.purpose == "supervision_digest" and "3 件已升级督办" in to_head.text
    assert to_head.text.endswith("/dept/?bucket=overdue")
    assert to_head.region_path == office.tree["county"].path and to_head.status == "sent"
    assert sweep.counts["texts"] == 2
    # what officers see in the request's history stays per request
    assert RequestEvent.objects.filter(action="escalate").count() == 5
    assert {e.request_id for e in Escalation.objects.all()} == {r.pk for r in overdue + near}


def test_a_person_concerned_by_one_request_gets_the_text_about_it(office):
    request = office.accepted(ACCEPTED)
    supervision_sweep_run(now=RED_TIME)
    [to_head] = _texts_to(office.head.phone)
    assert (to_head.purpose, to_head.reference) == ("escalation", request.tracking_code)
    assert to_head.region_path == request.place_path
    assert not _texts_to(office.officer.phone)


def test_the_digest_counts_each_kind_and_reads_in_english_too():
    counts = {"card_yellow": 12, "card_red": 3, "escalation": 1}
    assert render_digest(counts).startswith(
        "督办提醒：您有 12 件即将超期（黄牌）、3 件已超期（红牌）、1 件已升级督办，请及时处理："
    )
    english = render_digest(counts, language="en")
    assert (
        "12 requests close to their time limit (yellow cards), 3 requests overdue (red cards), "
        "1 request escalated by supervision" in english
    )


def test_running_a_countys_sweep_twice_for_the_same_moment_issues_nothing_new(office, tree):
    [office.accepted(ACCEPTED) for _ in range(3)]
    [office.accepted(LATER) for _ in range(2)]
    sweep = supervision_sweep_open(now=RED_TIME)
    assert sweep.counts["regions"] == [tree["county"].pk]
    first = supervision_sweep_region_run(sweep=sweep, region=tree["county"])
    written = (
        SupervisionCard.objects.count(),
        Escalation.objects.count(),
        RequestEvent.objects.count(),
        SmsOutboxMessage.objects.count(),
    )
    again = supervision_sweep_region_run(sweep=sweep, region=tree["county"])  # a redelivered task
    assert (first["red"], first["escalations"], first["texts"]) == (3, 5, 2)
    assert (again["yellow"], again["red"], again["escalations"], again["texts"], again["expired"]) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert (
        SupervisionCard.objects.count(),
        Escalation.objects.count(),
        RequestEvent.objects.count(),
        SmsOutboxMessage.objects.count(),
    ) == written
    sweep.refresh_from_db()
    assert sweep.counts["regions_done"] == [tree["county"].pk] and sweep.counts["red"] == 3
    assert sweep.finished_at is not None


def _two_counties():
    """An overdue request (and its officer's and head's phones) in each of two counties."""
    offices = [Office(county_tree(), phones=(f"1370000000{n}", f"1360000000{n}")) for n in range(2)]
    for office in offices:
        office.accepted(timezone.now() - timedelta(days=40))
    return offices


def test_the_beat_task_sweeps_each_county_in_its_own_task_and_finishes_the_sweep():
    offices = _two_counties()
    sweep = SupervisionSweep.objects.get(pk=supervision_sweep.delay().get())
    assert sweep.trigger == "beat" and sweep.finished_at is not None
    assert sorted(sweep.counts["regions_done"]) == sorted(o.tree["county"].pk for o in offices)
    assert sweep.counts["red"] == 2 and SupervisionCard.objects.filter(level="red").count() == 2
    for office in offices:
        assert len(_texts_to(office.head.phone)) == 1


@pytest.fixture
def memory_broker():
    """The project's Celery app on an in-process broker for one test (as tests/core/test_celery.py)."""
    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url="memory://", result_backend="cache+memory://", task_always_eager=False)
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)
    yield app
    app.conf.update(saved)
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sweeps_the_counties_in_their_own_tasks(memory_broker):
    offices = _two_counties()
    sweep = supervision_sweep_open(trigger="beat")
    with (
        start_worker(memory_broker, perform_ping_check=False, shutdown_timeout=10),
        memory_broker.connection_for_write() as connection,
    ):
        for region_id in sweep.counts["regions"]:
            supervision_sweep_region.apply_async((sweep.pk, region_id), connection=connection)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            sweep.refresh_from_db()
            if sweep.finished_at is not None:
                break
            time.sleep(0.2)
    assert sweep.finished_at is not None, "the worker did not finish the counties' sweeps"
    assert sweep.counts["red"] == 2
    # the texts were queued in the counties' transactions and handed to the broker as batches
    assert SmsOutboxMessage.objects.filter(phone__in=[o.head.phone for o in offices]).count() == 2
