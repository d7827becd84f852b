"""What every till service shares: references, fingerprints, idempotent inserts, the lines a
counter transaction posts, and the float wallet lock."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agency.models import CommissionPlan, CommissionPlanVersion, CounterTransaction, FloatWallet, LedgerEntry
from agency.services.ledger import (
    Line,
    Purpose,
    float_account,
    platform_account,
    provider_account,
    region_commission_account,
    station_account,
    station_regions,
)
from agency.tariffs import Commission, commission_for, commission_of_fixed_amount, tariff_from_version
from stations.models import Station

Role = LedgerEntry.Role
Kind = CounterTransaction.Kind
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the counter
_REFERENCE_ATTEMPTS = 8


def new_reference(prefix: str = "AG") -> str:
    """AG + the local date + 6 characters, e.g. AG250615K7M2QX: unique, short enough to read out."""
    tail = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"{prefix}{timezone.localdate():%y%m%d}{tail}"


def fingerprint(**content) -> str:
    """A digest of what a request carried, to tell a resend from other content under the same key."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def idempotency_conflict() -> ValidationError:
    return ValidationError(
        _("This form was already sent with different content. Reload the page to start a new transaction."),
        code="idempotency_conflict")


def replay(existing, expected_fingerprint: str):
    """The first result for a resend; a refusal for the same key with different content."""
    if existing.fingerprint != expected_fingerprint:
        raise idempotency_conflict()
    return existing


def insert_with_reference(row, *, prefix: str = "AG"):
    """Insert `row` (with `reference` and a unique `idempotency_key`); None, or the row already holding
    the key. A concurrent insert with the same key waits on the unique index until the first commits,
    then fails here, and the first row is returned instead. A reference collision is retried."""
    model = type(row)
    for _attempt in range(_REFERENCE_ATTEMPTS):
        row.reference = new_reference(prefix)
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            return None
        except IntegrityError:
            winner = model.objects.filter(idempotency_key=row.idempotency_key).first()
            if winner is not None:
                return winner
            if not model.objects.filter(reference=row.reference).exists():
                raise
    raise RuntimeError("Could not find a free reference.")


def plan_version_in_force(plan: CommissionPlan | None, on: date) -> CommissionPlanVersion | None:
    if plan is None:
        return None
    return plan.versions.filter(effective_from__lte=on).order_by("-effective_from").first()


def wallet_for(station: Station, float_group: str) -> FloatWallet:
    wallet = FloatWallet.objects.filter(station=station, float_group=float_group).first()
    if wallet is not None:
        return wallet
    account = float_account(station, float_group)
    wallet, _created = FloatWallet.objects.get_or_create(
        station=station, float_group=float_group,
        defaults={"account": account, "low_threshold_fen": settings.AGENCY_LOW_FLOAT_FEN})
    return wallet


def locked_wallet(station: Station, float_group: str) -> FloatWallet:
    """The wallet row, locked until the end of the transaction (SELECT … FOR UPDATE on PostgreSQL)."""
    locked = FloatWallet.objects.select_for_update().filter(station=station, float_group=float_group)
    wallet = locked.first()
    if wallet is None:  # the station's first use of this group
        wallet_for(station, float_group)
        wallet = locked.get()
    return wallet


def commission_under(version: CommissionPlanVersion, amount_fen: int) -> Commission:
    """What a plan version pays on `amount_fen`: the till's one computation of a provider commission
    (the set-up's preview calculator asks it too, so what a county previews is what the till posts)."""
    return commission_for(tariff_from_version(version), amount_fen)


def transaction_commission(tx: CounterTransaction) -> Commission | None:
    if tx.kind == Kind.ORDER_COMMISSION:
        return commission_of_fixed_amount(tx.commission_fen, tax_rate_bp=settings.AGENCY_ORDER_COMMISSION_TAX_BP)
    if tx.plan_version_id:
        return commission_under(tx.plan_version, tx.amount_fen)
    return None


def payment_lines(tx: CounterTransaction) -> list[Line]:
    """The balanced lines a succeeded transaction posts (see the package docstring for the chart)."""
    station = tx.station
    money = station_account(station, Purpose.CARD if tx.payment_method == tx.PaymentMethod.CARD else Purpose.CASH)
    lines: list[Line] = []
    if tx.kind == Kind.PROVIDER:
        sign = 1 if tx.product.direction == tx.product.Direction.COLLECT else -1
        wallet = float_account(station, tx.product.provider.float_group)
        lines += [Line(money, sign * tx.amount_fen, Role.PRINCIPAL), Line(wallet, -sign * tx.amount_fen, Role.PRINCIPAL)]
        if tx.fee_fen:
            lines += [Line(money, tx.fee_fen, Role.FEE), Line(station_account(station, Purpose.FEES), -tx.fee_fen,
                                                              Role.FEE)]
        payer = provider_account(tx.product.provider)
    elif tx.kind in (Kind.GOV_FEE, Kind.CASH_SALE):
        held = station_account(station, Purpose.GOV_PAYABLE if tx.kind == Kind.GOV_FEE else Purpose.STORE_PAYABLE)
        lines += [Line(money, tx.amount_fen, Role.PRINCIPAL), Line(held, -tx.amount_fen, Role.PRINCIPAL)]
        payer = None
    else:
        payer = platform_account(Purpose.STORE)
    commission = transaction_commission(tx)
    if commission is not None and payer is not None:
        lines += commission_lines(station, payer, commission)
    return lines


def commission_lines(station: Station, payer, commission: Commission) -> list[Line]:
    """The payer owes the commission; each tier earns its part; the operator's tax is withheld."""
    mine = station_account(station, Purpose.COMMISSION)
    township, county = station_regions(station)
    platform = platform_account(Purpose.COMMISSION)
    return [
        Line(payer, commission.total_fen, Role.COMMISSION),
        Line(mine, -commission.operator_fen, Role.COMMISSION),
        Line(region_commission_account(township) if township else platform, -commission.township_fen, Role.COMMISSION),
        Line(region_commission_account(county) if county else platform, -commission.county_fen, Role.COMMISSION),
        Line(platform, -commission.platform_fen, Role.COMMISSION),
        Line(mine, commission.tax_fen, Role.TAX),
        Line(platform_account(Purpose.TAX), -commission.tax_fen, Role.TAX),
    ]
