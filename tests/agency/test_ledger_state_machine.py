"""A hypothesis state machine drives the till through random days — pay (succeeded, declined, timed
out), resolve unknowns, reverse, top up, take government fees, close the drawer (with variances),
generate / approve / pay the month's statement — and checks after every step that every journal
balances, the ledger sums to zero, the cached float balances and reservations equal what the
postings and open transactions say, and the cash and float the machine expects are the ledger's."""

import itertools
from datetime import timedelta
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from agency import selectors, services
from agency.models import CommissionStatement, CounterTransaction, FloatWallet, LedgerEntry
from agency.services.statements import statement_figures
from core.state_machine import TransitionNotAllowed
from core.timeutil import next_month_start
from tests.agency.factories import ProductFactory, key
from tests.factories import StaffAssignmentFactory, UserFactory

Status = CounterTransaction.Status
ENDINGS = {"ok": "1234", "declined": "0000", "timeout": "9999"}


class TillMachine(RuleBasedStateMachine):
    """One station, one utilities product without a check digit, an operator and three admins."""

    world: dict = {}

    @initialize()
    def open_the_day(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # rolled back in teardown: every example starts from the same database
        # References decide how the simulator resolves a timed-out payment: number them per example so
        # that hypothesis replays an example exactly (random references made it flaky).
        numbers = itertools.count(1)
        self._references = mock.patch("agency.services.common.new_reference",
                                      lambda prefix="AG": f"{prefix}T{next(numbers):08d}")
        self._references.start()
        w = self.world
        self.station, self.operator, self.product = w["station"], w["operator"], w["product"]
        self.cash = 0
        self.float = 0
        self.day = 0
        self.statement: CommissionStatement | None = None
        self.number = 0

    def teardown(self):
        if hasattr(self, "_references"):
            self._references.stop()
        if hasattr(self, "_atomic"):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    def _txs(self, status):
        return list(CounterTransaction.objects.filter(station=self.station, status=status).order_by("pk"))

    @rule(amount=st.integers(1, 300_000))
    def top_up(self, amount):
        top_up = services.float_top_up_request(actor=self.operator, station=self.station, float_group="utilities",
                                               amount_fen=amount, idempotency_key=key())
        services.float_top_up_approve(actor=self.world["county_admin"], top_up=top_up)
        self.float += amount

    @rule(amount=st.integers(100, 200_000), outcome=st.sampled_from(sorted(ENDINGS)), resend=st.booleans())
    def pay(self, amount, outcome, resend):
        self.number += 1
        number = f"{self.number:06d}{ENDINGS[outcome]}"
        k = key()
        before = FloatWallet.objects.filter(station=self.station).first()
        available = before.available_fen if before else 0
        try:
            tx = services.counter_payment_submit(actor=self.operator, station=self.station, product=self.product,
                                                 account_number=number, amount_fen=amount, idempotency_key=k)
        except Exception as error:
            assert amount > available, error  # the only refusal possible here: not enough float
            return
        if resend:
            assert services.counter_payment_submit(actor=self.operator, station=self.station, product=self.product,
                                                   account_number=number, amount_fen=amount,
                                                   idempotency_key=k).pk == tx.pk
        expected = {"ok": Status.SUCCEEDED, "declined": Status.FAILED, "timeout": Status.UNKNOWN}[outcome]
        assert tx.status == expected
        if tx.status == Status.SUCCEEDED:
            self._paid(tx)

    def _paid(self, tx):
        self.cash += tx.total_fen
        self.float -= tx.amount_fen

    @precondition(lambda self: CounterTransaction.objects.filter(status=Status.UNKNOWN).exists())
    @rule(data=st.data())
    def resolve(self, data):
        tx = data.draw(st.sampled_from(self._txs(Status.UNKNOWN)))
        resolved = services.counter_transaction_resolve(actor=self.operator, counter_transaction=tx)
        assert resolved.status in (Status.SUCCEEDED, Status.FAILED)
        if resolved.status == Status.SUCCEEDED:
            self._paid(resolved)

    @precondition(lambda self: CounterTransaction.objects.filter(status=Status.SUCCEEDED).exists())
    @rule(data=st.data(), twice=st.booleans())
    def reverse(self, data, twice):
        tx = data.draw(st.sampled_from(self._txs(Status.SUCCEEDED)))
        if tx.kind == CounterTransaction.Kind.PROVIDER and self.cash < tx.total_fen:
            return  # the drawer cannot refund it (a variance took cash out); refused, tested elsewhere
        services.counter_transaction_reverse(actor=self.operator, counter_transaction=tx, reason="测试冲正")
        self.cash -= tx.total_fen
        if tx.kind == CounterTransaction.Kind.PROVIDER:
            self.float += tx.amount_fen
        if twice:
            with pytest.raises(TransitionNotAllowed):
                services.counter_transaction_reverse(actor=self.operator, counter_transaction=tx, reason="again")

    @rule(amount=st.integers(1, 50_000))
    def government_fee(self, amount):
        services.government_fee_take(actor=self.operator, station=self.station, amount_fen=amount,
                                     idempotency_key=key(), external_reference=f"SR{amount}")
        self.cash += amount

    @rule(variance=st.integers(-5_000, 5_000), reject_first=st.booleans())
    def close(self, variance, reject_first):
        self.day += 1
        on = timezone.localdate() - timedelta(days=400 - self.day)
        counted = max(0, self.cash + variance)
        submit = dict(actor=self.operator, station=self.station, counted_fen=counted, business_date=on,
                      explanation="清点差异" if counted != self.cash else "")
        close = services.daily_cash_close_submit(idempotency_key=key(), **submit)
        assert close.expected_fen == self.cash
        if close.variance_fen and reject_first:
            services.daily_cash_close_reject(actor=self.world["township_admin"], close=close, note="重点")
            close = services.daily_cash_close_submit(idempotency_key=key(), **submit)
        if close.variance_fen:
            services.daily_cash_close_approve(actor=self.world["township_admin"], close=close)
        self.cash = counted

    @precondition(lambda self: self.statement is None)
    @rule()
    def statement_for_this_month(self):
        month = timezone.localdate().replace(day=1)
        totals, _lines = statement_figures(self.station, month)
        next_month = next_month_start(month)
        with mock.patch("django.utils.timezone.localdate", return_value=next_month):
            statement = services.commission_statement_generate(actor=self.world["county_admin"],
                                                               station=self.station, month=month)
            again = services.commission_statement_generate(actor=None, station=self.station, month=month)
        assert again.pk == statement.pk and again.net_fen == statement.net_fen == totals["net_fen"]
        commission = selectors.account_balance_fen(account=f"commission:{self.station.code}")
        assert statement.net_fen == -commission  # nothing paid yet: the account holds exactly the net
        services.commission_statement_approve(actor=self.world["checker"], statement=statement)
        services.commission_statement_mark_paid(actor=self.world["county_admin"], statement=statement,
                                                payment_reference="BANK-PAY")
        self.statement = statement

    @invariant()
    def the_ledger_is_sound(self):
        if not hasattr(self, "station"):
            return
        assert not selectors.unbalanced_journals().exists()
        assert selectors.ledger_total_fen() == 0
        assert selectors.float_wallet_mismatches() == []
        assert selectors.reserved_mismatches() == []
        for wallet in FloatWallet.objects.all():
            assert 0 <= wallet.reserved_fen <= wallet.balance_fen
        assert selectors.account_balance_fen(account=f"cash:{self.station.code}") == self.cash
        float_balance = LedgerEntry.objects.filter(account__purpose="float").values_list("amount_fen", flat=True)
        assert sum(float_balance) == self.float


@pytest.mark.django_db
def test_random_days_at_the_till_keep_the_ledger_balanced(station, operator, county_admin, township_admin, tree):
    checker = UserFactory(roles=["county_admin"])
    StaffAssignmentFactory(user=checker, role="county_admin", region=tree["county"])
    TillMachine.world = {
        "station": station, "operator": operator, "county_admin": county_admin, "township_admin": township_admin,
        "checker": checker, "product": ProductFactory(account_check_digit="none", customer_fee_fen=100,
                                                      amount_max_fen=300_000),
    }
    run_state_machine_as_test(TillMachine, settings=settings(
        max_examples=25, stateful_step_count=20, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
