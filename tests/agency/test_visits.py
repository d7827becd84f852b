"""A visit at the counter (agency/services/visits.py): opening, errands registered once, closing with the
cash received, receipt copies; the daily close counts a visit's cash once; government fees to a payee."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agency import selectors, services
from agency.models import Account, Journal, LedgerEntry, Visit, VisitErrand
from tests.agency.factories import account_number, error_codes, fund, key

pytestmark = pytest.mark.django_db
Kind = VisitErrand.Kind


def open_visit(operator, station, **who):
    return services.visit_open(actor=operator, station=station, idempotency_key=key(),
                               **(who or {"resident_name": "王秀英", "resident_phone": "13800001234"}))


def fee(operator, station, amount=2_000, ref="GS-1", **extra):
    return services.government_fee_take(actor=operator, station=station, amount_fen=amount, idempotency_key=key(),
                                        external_reference=ref, **extra)


def test_a_visit_opens_once_per_key_and_needs_someone(operator, station):
    k = key()
    first = services.visit_open(actor=operator, station=station, idempotency_key=k, resident_phone="13800001234")
    again = services.visit_open(actor=operator, station=station, idempotency_key=k, resident_phone="13800001234")
    assert first.pk == again.pk and first.reference.startswith("VS") and Visit.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        services.visit_open(actor=operator, station=station, idempotency_key=k, resident_phone="13900001234")
    assert error_codes(refused.value) == {"idempotency_conflict"}
    with pytest.raises(ValidationError) as nobody:
        services.visit_open(actor=operator, station=station, idempotency_key=key())
    assert error_codes(nobody.value) == {"no_resident"}


def test_only_the_stations_operator_opens_a_visit(liaison, operator, other_station, station):
    with pytest.raises(PermissionDenied):
        services.visit_open(actor=liaison, station=station, idempotency_key=key(), resident_name="王")
    with pytest.raises(PermissionDenied):
        services.visit_open(actor=operator, station=other_station, idempotency_key=key(), resident_name="王")


def test_an_errand_is_added_once_whatever_the_retry(operator, station):
    visit = open_visit(operator, station)
    tx = fee(operator, station)
    k = key()
    first = services.visit_errand_add(actor=operator, visit=visit, kind=Kind.GOV_FEE, reference=tx.reference,
                                      label="户籍证明 fee", idempotency_key=k, counter_transaction=tx)
    same_key = services.visit_errand_add(actor=operator, visit=visit, kind=Kind.GOV_FEE, reference=tx.reference,
                                         label="户籍证明 fee", idempotency_key=k, counter_transaction=tx)
    new_key = services.visit_errand_add(actor=operator, visit=visit, kind=Kind.GOV_FEE, reference=tx.reference,
                                        label="户籍证明 fee", idempotency_key=key(), counter_transaction=tx)
    assert first.pk == same_key.pk == new_key.pk
    assert (first.amount_fen, first.payment_method) == (2_000, "cash")
    assert services.visit_cash_due_fen(visit) == 2_000
    with pytest.raises(ValidationError) as refused:
        services.visit_errand_add(actor=operator, visit=visit, kind=Kind.PARCEL, reference="P-1", label="x",
                                  idempotency_key=k)
    assert error_codes(refused.value) == {"idempotency_conflict"}


def test_an_errand_without_money_and_one_from_another_station(operator, station, other_station, superuser):
    visit = open_visit(operator, station)
    parcel = services.visit_errand_add(actor=operator, visit=visit, kind=Kind.PARCEL, reference="SO-1-A",
                                       label="Parcel", idempotency_key=key(), amount_fen=999)
    assert (parcel.amount_fen, parcel.payment_method) == (0, "none")  # money only from a till transaction
    elsewhere = fee(superuser, other_station)
    with pytest.raises(ValidationError) as refused:
        services.visit_errand_add(actor=operator, visit=visit, kind=Kind.GOV_FEE, reference=elsewhere.reference,
                                  label="fee", idempotency_key=key(), counter_transaction=elsewhere)
    assert "counter_transaction" in refused.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        services.visit_errand_add(actor=operator, visit=visit, kind="lottery", reference="", label="x",
                                  idempotency_key=key())
    assert set(unknown.value.message_dict) == {"kind", "reference"}


def test_closing_takes_the_cash_gives_change_and_refuses_late_errands(operator, station, product):
    fund(station, product.provider.float_group, 100_000)
    visit = open_visit(operator, station)
    bill = services.counter_payment_submit(actor=operator, station=station, product=product,
                                           account_number=account_number(1), amount_fen=8_000, idempotency_key=key())
    for kind, tx in ((Kind.BILL, bill), (Kind.GOV_FEE, fee(operator, station, 1_500))):
        services.visit_errand_add(actor=operator, visit=visit, kind=kind, reference=tx.reference, label=kind,
                                  idempotency_key=key(), counter_transaction=tx)
    due = 8_000 + bill.fee_fen + 1_500
    with pytest.raises(ValidationError) as short:
        services.visit_close(actor=operator, visit=visit, cash_received_fen=due - 1)
    assert "cash_received_fen" in short.value.message_dict
    closed = services.visit_close(actor=operator, visit=visit, cash_received_fen=20_000)
    assert (closed.status, closed.cash_due_fen, closed.change_fen) == ("closed", due, 20_000 - due)
    assert services.visit_close(actor=operator, visit=visit, cash_received_fen=20_000).pk == closed.pk
    with pytest.raises(ValidationError):
        services.visit_close(actor=operator, visit=visit, cash_received_fen=30_000)
    with pytest.raises(ValidationError) as late:
        services.visit_errand_add(actor=operator, visit=closed, kind=Kind.PARCEL, reference="P-9", label="x",
                                  idempotency_key=key())
    assert error_codes(late.value) == {"visit_closed"}


def test_the_daily_close_counts_a_visits_cash_once(operator, station):
    visit = open_visit(operator, station)
    before = services.expected_cash_fen(station)
    for n in range(2):
        tx = fee(operator, station, 1_000, ref=f"GS-{n}")
        for _twice in range(2):
            services.visit_errand_add(actor=operator, visit=visit, kind=Kind.GOV_FEE, reference=tx.reference,
                                      label="fee", idempotency_key=key(), counter_transaction=tx)
    services.visit_close(actor=operator, visit=visit, cash_received_fen=2_000)
    assert services.expected_cash_fen(station) - before == 2_000 == visit.errands.count() * 1_000
    close = services.daily_cash_close_submit(actor=operator, station=station, counted_fen=before + 2_000,
                                             idempotency_key=key())
    assert (close.expected_fen, close.variance_fen, close.status) == (before + 2_000, 0, "balanced")


def test_receipt_copies_are_counted_and_a_resend_is_the_same_copy(operator, station):
    visit = open_visit(operator, station)
    with pytest.raises(ValidationError) as open_:
        services.visit_receipt_print_record(actor=operator, visit=visit, width="80", idempotency_key=key())
    assert error_codes(open_.value) == {"not_closed"}
    services.visit_close(actor=operator, visit=visit, cash_received_fen=0)
    k = key()
    assert services.visit_receipt_print_record(actor=operator, visit=visit, width="80", idempotency_key=k) == 1
    assert services.visit_receipt_print_record(actor=operator, visit=visit, width="80", idempotency_key=k) == 1
    assert services.visit_receipt_print_record(actor=operator, visit=visit, width="a4", idempotency_key=key()) == 2
    assert services.visit_receipt_print_count(visit) == 2 and services.visit_first_printed_at(visit) is not None


def test_a_fee_with_a_payee_is_held_in_the_payees_account_and_refunded_once(operator, officer, station):
    tx = fee(operator, station, 2_500, payee_code="MZ", payee_name="民政局")
    payee = Account.objects.get(code="gov_payable:payee:MZ")
    assert selectors.account_balance_fen(account=payee) == -2_500
    assert not Account.objects.filter(code=f"gov_payable:{station.code}").exists()
    refunded = services.government_fee_refund(actor=officer, counter_transaction=tx, reason="不予受理")
    again = services.government_fee_refund(actor=officer, counter_transaction=tx, reason="不予受理")
    assert refunded.status == again.status == "reversed"
    assert Journal.objects.filter(kind=Journal.Kind.REVERSAL, counter_transaction=tx).count() == 1
    assert selectors.account_balance_fen(account=payee) == 0
    assert LedgerEntry.objects.filter(account=payee).count() == 2
    with pytest.raises(ValidationError):
        services.government_fee_refund(actor=officer, counter_transaction=tx, reason=" ")
