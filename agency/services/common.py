"""What every till service shares: references, fingerprints, idempotent inserts, the lines a
counter transaction posts, the float wallet lock, and an admin's decision on a station's request."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from agency.models import (
    AdminDecision,
    CommissionPlan,
    CommissionPlanVersion,
    CounterTransaction,
    FloatWallet,
    LedgerEntry,
)
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
from core.idempotency import fingerprint, idempotency_conflict, insert_once  # noqa: F401 (fingerprint: payments' import)
from stations.models import Station

Role = LedgerEntry.Role
Kind = CounterTransaction.Kind
# Where the resident's money goes: the drawer for cash, a clearing account for what a card or wallet settles.
MONEY_ACCOUNT = {CounterTransaction.PaymentMethod.CARD: Purpose.CARD, CounterTransaction.PaymentMethod.WECHAT: Purpose.WALLET,
                 CounterTransaction.PaymentMethod.ALIPAY: Purpose.WALLET}
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the counter


def new_reference(prefix: str = "AG") -> str:
    """AG + the local date + 6 characters, e.g. AG250615K7M2QX: unique, short enough to read out."""
    tail = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"{prefix}{timezone.localdate():%y%m%d}{tail}"


def replay(existing, expected_fingerprint: str):
    """The first result for a resend; a refusal for the same key with different content."""
    if existing.fingerprint != expected_fingerprint:
        raise idempotency_conflict()
    return existing


def insert_with_reference(row, *, prefix: str = "AG"):
    """Insert `row` (with `reference` and a unique `idempotency_key`); None, or the row already holding
    the key (core/idempotency.py: a concurrent send waits on the unique index, a reference collision
    is retried)."""
    return insert_once(row, code="reference", new_code=lambda: new_reference(prefix))


def plan_version_in_force(plan: CommissionPlan | None, on: date) -> CommissionPlanVersion | None:
    if plan is None:
        return None
    return plan.versions.filter(effective_from__lte=on).order_by("-effective_from").first()


def decision_record(row: AdminDecision, *, actor: User, note: str) -> None:
    """Who decided a station's request (a float top-up, a cash variance), when and why; saved with the
    status the decision moved it to and the journal an approval posted. Inside the caller's transaction."""
    row.decided_by, row.decided_at, row.decision_note = actor, timezone.now(), note.strip()[:200]
    row.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "journal"])


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


def payment_lines(tx: CounterTransaction, *, payee=None) -> list[Line]:
    """The balanced lines a succeeded transaction posts (see the package docstring for the chart). A
    government fee with a `payee` account (a department's) is held for it rather than for the station."""
    station = tx.station
    money = station_account(station, MONEY_ACCOUNT.get(tx.payment_method, Purpose.CASH))
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
        held = payee or station_account(station, Purpose.GOV_PAYABLE if tx.kind == Kind.GOV_FEE
                                        else Purpose.STORE_PAYABLE)
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
