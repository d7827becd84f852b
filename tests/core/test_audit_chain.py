"""The hash chain over the audit trail (core/audit_chain.py): sealing, and verify finding a changed,
deleted, slipped-in or unlinked event. Runs on SQLite and on PostgreSQL (DATABASE_URL): the tampering
goes past the append-only triggers as someone holding the database's owner account would."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.audit_chain import (
    GENESIS,
    audit_chain_restore_problems,
    audit_chain_seal,
    audit_chain_verify,
    canonical,
    link_digest,
)
from core.models import AuditEvent, AuditSeal
from tests.tampering import triggers_off

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(minutes=10)


def _events(station, n=5):
    return [audit_event_record(actor=None, action="station.checked", target=station, data={"n": i, "名": "站"})
            for i in range(n)]


def _seal():
    return audit_chain_seal(now=timezone.now() + LATER)


def _verify():
    return audit_chain_verify(now=timezone.now() + LATER)


def _reports(capsys) -> dict:
    """The verify command's JSON lines, one per chain, by chain."""
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return {report["chain"]: report for report in reports}


def test_sealing_links_every_settled_event_once_in_a_chain(station):
    events = _events(station)
    assert audit_chain_seal() == 0  # not settled yet: a transaction writing one may still be open
    assert _seal() == len(events)
    assert _seal() == 0
    links = list(AuditSeal.objects.order_by("seq"))
    assert [link.event_id for link in links] == [e.pk for e in events]
    previous = GENESIS
    for link, event in zip(links, events, strict=True):
        previous = link_digest(previous, AuditEvent.objects.get(pk=event.pk))
        assert link.digest == previous and link.algorithm == "sha256"
    report = _verify()
    assert report.intact and report.links == 5 and report.head_digest == links[-1].digest


def test_events_after_the_first_seal_continue_the_chain(station):
    _events(station, 2)
    _seal()
    _events(station, 3)
    assert _seal() == 3
    assert list(AuditSeal.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert _verify().intact


def test_a_changed_event_is_found(station):
    events = _events(station)
    _seal()
    with triggers_off("core_audit") as cursor:
        cursor.execute("UPDATE core_auditevent SET target_repr = 'forged' WHERE id = %s", [events[2].pk])
    report = _verify()
    assert not report.intact
    assert report.changed == [3] and not report.missing and not report.gaps


def test_a_changed_detail_is_found(station):
    events = _events(station)
    _seal()
    with triggers_off("core_audit") as cursor:
        cursor.execute("UPDATE core_auditevent SET data = %s WHERE id = %s",
                       [json.dumps({"n": 99, "名": "站"}), events[0].pk])
    assert _verify().changed == [1]


def test_a_deleted_event_is_found(station):
    events = _events(station)
    _seal()
    with triggers_off("core_audit") as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    report = _verify()
    assert report.missing == [2] and not report.changed


def test_a_deleted_link_and_a_rewritten_link_are_found(station):
    _events(station)
    _seal()
    with triggers_off("core_audit") as cursor:
        cursor.execute("DELETE FROM core_auditseal WHERE seq = 2")
        cursor.execute("UPDATE core_auditseal SET digest = %s WHERE seq = 4", ["f" * 64])
    report = _verify()
    assert report.gaps == [2]
    # Link 3 no longer follows link 2's digest (it is gone: it follows 1's now); 4 is forged, and 5 follows it.
    assert 4 in report.changed and 5 in report.changed


def test_an_event_slipped_in_behind_the_sealer_is_reported_unsealed(station):
    _events(station, 2)
    _seal()
    # An event dated well before the chain's head: the sealer's look-back does not reach it.
    old = audit_event_record(actor=None, action="station.checked", target=station)
    with triggers_off("core_audit") as cursor:
        cursor.execute("UPDATE core_auditevent SET at = %s WHERE id = %s",
                       [timezone.now() - datetime.timedelta(days=3), old.pk])
    _seal()
    assert _verify().unsealed == [old.pk]


def test_the_database_refuses_to_change_a_link(station):
    from django.db import IntegrityError

    _events(station, 1)
    _seal()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditSeal.objects.update(digest="0" * 64)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditSeal.objects.all().delete()


@pytest.mark.parametrize("algorithm", ["sha256", "sm3"])
def test_the_command_exits_with_an_error_when_the_chain_is_broken(station, settings, capsys, algorithm):
    settings.DIGEST_ALGORITHM = algorithm
    events = _events(station, 3)
    _seal()
    call_command("audit_chain_verify", "--json")
    assert _reports(capsys)["audit"]["intact"] is True
    with triggers_off("core_audit") as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'forged' WHERE id = %s", [events[0].pk])
    with pytest.raises(CommandError, match="1 changed"):
        call_command("audit_chain_verify")


# --- SM3 (国密): settings.DIGEST_ALGORITHM chooses the algorithm of new links ---------------------------

def test_under_sm3_new_links_are_sm3_and_a_mixed_chain_verifies(station, settings):
    from core import digests

    _events(station, 2)
    _seal()
    settings.DIGEST_ALGORITHM = "sm3"
    events = _events(station, 3)
    assert _seal() == 3
    links = list(AuditSeal.objects.order_by("seq"))
    assert [link.algorithm for link in links] == ["sha256", "sha256", "sm3", "sm3", "sm3"]
    # Link 3 is SM3 over link 2's (SHA-256) digest and the event, as GB/T 32905 computes it.
    expected = digests.hexdigest(links[1].digest.encode() + b"\n" + canonical(AuditEvent.objects.get(pk=events[0].pk)),
                                 "sm3")
    assert links[2].digest == expected == link_digest(links[1].digest, events[0], "sm3")
    assert expected != link_digest(links[1].digest, events[0], "sha256")
    report = _verify()
    assert report.intact and report.links == 5 and report.head_digest == links[-1].digest
    settings.DIGEST_ALGORITHM = "sha256"  # switching back: verification follows each link's own algorithm
    assert _verify().intact and audit_chain_restore_problems() == []


def test_a_tampered_row_is_detected_under_sm3(station, settings):
    settings.DIGEST_ALGORITHM = "sm3"
    events = _events(station)
    _seal()
    assert set(AuditSeal.objects.values_list("algorithm", flat=True)) == {"sm3"}
    with triggers_off("core_audit") as cursor:
        cursor.execute("UPDATE core_auditevent SET target_repr = 'forged' WHERE id = %s", [events[2].pk])
    report = _verify()
    assert report.changed == [3] and not report.missing and not report.gaps
    assert audit_chain_restore_problems() == ["audit link 3: its event or digest was changed"]


def test_a_link_whose_algorithm_was_rewritten_is_detected(station, settings):
    settings.DIGEST_ALGORITHM = "sm3"
    _events(station, 3)
    _seal()
    with triggers_off("core_audit") as cursor:
        cursor.execute("UPDATE core_auditseal SET algorithm = 'sha256' WHERE seq = 2")
        cursor.execute("UPDATE core_auditseal SET algorithm = 'md5' WHERE seq = 3")
    assert _verify().changed == [2, 3]


def test_sm3_is_the_standards_hash():
    from core import digests

    # GB/T 32905-2016 Annex A, examples 1 and 2.
    assert digests.hexdigest(b"abc", "sm3") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert digests.hexdigest(b"abcd" * 16, "sm3") == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")
