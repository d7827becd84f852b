"""core/idempotency.py: insert under a client's key (and a unique random code), replay the first result.

The row used is a float top-up request: it has both a unique key and a unique reference. The services
that use the helper have their own replay tests."""

import itertools
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from agency.models import FloatTopUpRequest
from core.audit import audit_event_record
from core.idempotency import create_once, fingerprint, idempotency_conflict, insert_once
from core.models import AuditEvent
from tests.concurrency import run_together


def _top_up(station, operator, amount_fen: int = 100_00) -> FloatTopUpRequest:
    return FloatTopUpRequest(
        station=station, float_group="telecom", amount_fen=amount_fen, requested_by=operator
    )


def _codes(*codes):
    sequence = itertools.chain(codes, (f"TU{n:06d}" for n in itertools.count()))
    return lambda: next(sequence)


@pytest.mark.django_db
def test_a_resend_replays_the_first_row_and_builds_nothing(station, operator):
    key, built = uuid.uuid4(), []

    def build():
        built.append(1)
        return _top_up(station, operator)

    first, created = create_once(
        FloatTopUpRequest, key={"idempotency_key": key}, build=build, code="reference", new_code=_codes()
    )
    again, created_again = create_once(
        FloatTopUpRequest, key={"idempotency_key": key}, build=build, code="reference", new_code=_codes()
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and len(built) == 1
    assert FloatTopUpRequest.objects.count() == 1


@pytest.mark.django_db
def test_replay_may_refuse_a_resend_with_other_content(station, operator):
    key = uuid.uuid4()
    create_once(
        FloatTopUpRequest,
        key={"idempotency_key": key},
        build=lambda: _top_up(station, operator),
        code="reference",
        new_code=_codes(),
    )

    def same_amount(first):
        if first.amount_fen != 5_00:
            raise idempotency_conflict()
        return first

    with pytest.raises(ValidationError) as refused:
        create_once(
            FloatTopUpRequest,
            key={"idempotency_key": key},
            build=lambda: _top_up(station, operator, 5_00),
            replay=same_amount,
            code="reference",
            new_code=_codes(),
        )
    assert refused.value.code == "idempotency_conflict"


@pytest.mark.django_db
def test_a_code_collision_is_tried_again_with_a_new_code(station, operator):
    insert_once(_with_key(_top_up(station, operator)), code="reference", new_code=_codes("TU-TAKEN"))
    row, created = create_once(
        FloatTopUpRequest,
        key={"idempotency_key": uuid.uuid4()},
        build=lambda: _top_up(station, operator),
        code="reference",
        new_code=_codes("TU-TAKEN", "TU-TAKEN", "TU-FREE"),
    )
    assert created and row.reference == "TU-FREE"
    assert set(FloatTopUpRequest.objects.values_list("reference", flat=True)) == {"TU-TAKEN", "TU-FREE"}


@pytest.mark.django_db
def test_no_free_code_after_the_attempts_is_an_error_not_a_loop(station, operator):
    insert_once(_with_key(_top_up(station, operator)), code="reference", new_code=_codes("TU-TAKEN"))
    with pytest.raises(RuntimeError, match="free reference"):
        insert_once(
            _with_key(_top_up(station, operator)), code="reference", new_code=lambda: "TU-TAKEN", attempts=3
        )


@pytest.mark.django_db
def test_another_integrity_error_is_raised_not_replayed(station, operator):
    row = _with_key(_top_up(station, operator))
    row.amount_fen = None  # NOT NULL
    with pytest.raises(IntegrityError):
        insert_once(row, code="reference", new_code=_codes())


def test_fingerprint_ignores_order_and_tells_content_apart():
    assert fingerprint(a=1, b="乙") == fingerprint(b="乙", a=1)
    assert fingerprint(a=1) != fingerprint(a=2)


def _with_key(row):
    row.idempotency_key = uuid.uuid4()
    return row


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_submit_creates_one_row_and_both_get_it(station, operator):
    key = uuid.uuid4()
    barrier = threading.Barrier(2, timeout=30)
    lost: list = []

    def build():
        # Both write it; only the winner's is kept.
        audit_event_record(actor=None, action="test.built", target=station)
        barrier.wait()  # both have passed the look-up before either inserts
        return _top_up(station, operator)

    def submit():
        return create_once(
            FloatTopUpRequest,
            key={"idempotency_key": key},
            build=build,
            code="reference",
            new_code=lambda: f"TU{uuid.uuid4().hex[:10]}",
            on_lost=lost.append,
        )

    (first, first_created), (second, second_created) = run_together(submit, submit)
    assert first.pk == second.pk
    assert sorted([first_created, second_created]) == [False, True]
    assert len(lost) == 1 and lost[0].pk is None
    assert FloatTopUpRequest.objects.count() == 1
    assert AuditEvent.objects.filter(action="test.built").count() == 1
