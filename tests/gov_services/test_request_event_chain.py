"""The hash chain over the requests' timelines (gov_services/requests/event_chain.py, kept by core/audit_chain.py beside
the audit trail's): sealing links every request event once; an edited, deleted or slipped-in event is found by
verify, the command and the restore drill's check. Runs on SQLite and on PostgreSQL; the tampering goes past
the append-only triggers as the database's owner could."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.audit_chain import (
    GENESIS,
    audit_chain_restore_problems,
    audit_chain_seal,
    audit_chain_verify,
    chains,
)
from gov_services.models import RequestEvent, RequestEventSeal
from gov_services.requests.event_chain import REQUEST_EVENTS
from tests.factories import ServiceItemFactory, ServiceRequestFactory, StationFactory
from tests.tampering import triggers_off

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(minutes=10)


@pytest.fixture
def request_at_the_counter(tree, department):
    return ServiceRequestFactory(item=ServiceItemFactory(department=department),
                                 station=StationFactory(village=tree["villages"][0]))


def _timeline(request, n=4):
    return [RequestEvent.objects.create(request=request, action="note", from_status="submitted",
                                        to_status="submitted", note=f"第{i}条：材料齐全", data={"i": i})
            for i in range(n)]


def _seal():
    return audit_chain_seal(now=timezone.now() + LATER)


def _verify():
    return audit_chain_verify(now=timezone.now() + LATER, chain=REQUEST_EVENTS)


def test_the_request_events_chain_is_registered_beside_the_audit_trails():
    assert [chain.name for chain in chains()][:1] == ["audit"] and REQUEST_EVENTS in chains()


def test_sealing_links_every_request_event_once_and_verify_finds_it_intact(request_at_the_counter):
    events = _timeline(request_at_the_counter)
    assert _seal() >= len(events)
    links = list(RequestEventSeal.objects.order_by("seq"))
    assert [link.event_id for link in links][-len(events):] == [event.pk for event in events]
    assert _seal() == 0  # a rerun links nothing twice
    report = _verify()
    assert report.intact and report.links == len(links) and report.head_digest != GENESIS


def test_an_edited_note_a_deleted_event_and_one_slipped_in_are_found(request_at_the_counter):
    events = _timeline(request_at_the_counter)
    _seal()
    with triggers_off("gov_services_req") as cursor:
        cursor.execute("UPDATE gov_services_requestevent SET note = '材料不齐' WHERE id = %s", [events[1].pk])
        cursor.execute("DELETE FROM gov_services_requestevent WHERE id = %s", [events[2].pk])
    seq = {link.event_id: link.seq for link in RequestEventSeal.objects.all()}
    report = _verify()
    assert report.changed == [seq[events[1].pk]] and report.missing == [seq[events[2].pk]]
    late = RequestEvent.objects.create(request=events[0].request, action="note", note="补录")
    with triggers_off("gov_services_req") as cursor:  # slipped in behind the sealer: dated hours before the last link
        cursor.execute("UPDATE gov_services_requestevent SET at = %s WHERE id = %s",
                       [connection.ops.adapt_datetimefield_value(timezone.now() - datetime.timedelta(hours=3)), late.pk])
    _seal()
    assert _verify().unsealed == [late.pk]
    assert audit_chain_restore_problems() == [f"request events link {seq[events[1].pk]}: its event or digest was "
                                              f"changed", f"request events link {seq[events[2].pk]}: its event is gone"]


def test_the_database_refuses_to_change_or_delete_a_link(request_at_the_counter):
    _timeline(request_at_the_counter, 1)
    _seal()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        RequestEventSeal.objects.update(digest="0" * 64)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        RequestEventSeal.objects.all().delete()


def test_the_verify_command_reports_each_chain_and_fails_on_a_broken_timeline(request_at_the_counter, capsys):
    events = _timeline(request_at_the_counter, 3)
    _seal()
    call_command("audit_chain_verify", "--json")
    reports = {report["chain"]: report for report in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(reports) >= {"audit", "request events"} and reports["request events"]["intact"] is True
    with triggers_off("gov_services_req") as cursor:
        cursor.execute("UPDATE gov_services_requestevent SET to_status = 'completed' WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match="the request events chain is broken: 1 changed"):
        call_command("audit_chain_verify")
