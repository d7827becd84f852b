"""Factories and helpers for the till's tests."""

import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest import mock

import factory
from django.utils import timezone

from agency.account_numbers import check_digit_for
from agency.models import CommissionPlan, CommissionPlanVersion, Journal, LedgerEntry, Product, Provider
from agency.services.common import wallet_for
from agency.services.ledger import Line, float_account, journal_post, station_account


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"prov{n}")
    name = factory.Sequence(lambda n: f"供应商{n}")
    float_group = Provider.FloatGroup.UTILITIES


class CommissionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionPlan

    code = factory.Sequence(lambda n: f"plan{n}")
    name = factory.Sequence(lambda n: f"佣金方案{n}")


class CommissionPlanVersionFactory(factory.django.DjangoModelFactory):
    """1 % of the amount, at least 0.10 yuan; operator 70 %, township 10 %, county 10 %, platform 10 %; tax 3 %."""

    class Meta:
        model = CommissionPlanVersion

    plan = factory.SubFactory(CommissionPlanFactory)
    effective_from = date(2020, 1, 1)
    method = "percentage"
    rate_bp = 100
    min_fen = 10
    share_operator_bp = 7000
    share_township_bp = 1000
    share_county_bp = 1000
    share_platform_bp = 1000
    tax_rate_bp = 300


class ProductFactory(factory.django.DjangoModelFactory):
    """An electricity bill: 10-digit customer number with a mod-10 (3-1) check digit, 1–5000 yuan, fee 0."""

    class Meta:
        model = Product

    provider = factory.SubFactory(ProviderFactory)
    code = factory.Sequence(lambda n: f"prod{n}")
    name = factory.Sequence(lambda n: f"电费{n}")
    kind = Product.Kind.ELECTRICITY
    account_label = "户号"
    account_min_length = 10
    account_max_length = 10
    account_check_digit = Product.CheckDigit.MOD10_31
    amount_min_fen = 100
    amount_max_fen = 500_000
    lookup_supported = True
    commission_plan = factory.LazyFunction(lambda: CommissionPlanVersionFactory().plan)


def account_number(n: int = 1, *, ending: str = "") -> str:
    """A valid 10-digit mod10_31 customer number; `ending` forces the simulator's special endings
    (the check digit then is whatever the ending says, so only use it with products without one)."""
    if ending:
        return f"{n:0{10 - len(ending)}d}{ending}"
    body = f"{3000000 + n:09d}"
    return body + check_digit_for(body, "mod10_31")


def fund(station, float_group: str, amount_fen: int):
    """Put money in a station's float wallet as an approved top-up would (a TOP_UP journal)."""
    wallet = wallet_for(station, float_group)
    journal_post(kind=Journal.Kind.TOP_UP, station=station, lines=[
        Line(float_account(station, float_group), amount_fen, LedgerEntry.Role.TOP_UP),
        Line(station_account(station, "funding"), -amount_fen, LedgerEntry.Role.TOP_UP)])
    wallet.refresh_from_db()
    return wallet


def key() -> uuid.UUID:
    return uuid.uuid4()


def error_codes(error) -> set[str]:
    """Every code in a ValidationError, whether it carries a dict of fields or a list."""
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


@contextmanager
def posting_at(moment: datetime):
    """Journals posted meanwhile carry `moment` as their posting time; nothing else's clock moves (access
    checks, reversal windows). Posted journals are append-only (a trigger refuses UPDATE on PostgreSQL),
    so a test cannot move them back in time afterwards; the demo posts its history the same way."""
    clock = mock.MagicMock(wraps=timezone)
    clock.now.return_value = moment
    with mock.patch("agency.services.ledger.timezone", clock):
        yield


def last_month_moment() -> datetime:
    """Three days before the first of this month, now: inside last month."""
    return timezone.now().replace(day=1) - timedelta(days=3)
