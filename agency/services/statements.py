"""Monthly commission statements, read off the ledger; maker-checker; then paid.

A statement covers the journals posted in one local calendar month on the station's commission
account: gross commission by product (payments), clawbacks (reversals of them), tax withheld
(net of tax given back on reversals), net = gross − clawbacks − tax. Generating a month again
returns the statement already there, unchanged; a month can be generated once it has ended.
A reversal posted next month is clawed back on next month's statement.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agency.models import (
    CommissionStatement,
    CommissionStatementLine,
    CounterTransaction,
    Journal,
    LedgerEntry,
    Product,
)
from agency.services.access import require_region_admin, require_signed_in
from agency.services.ledger import (
    Purpose,
    station_account,
)
from agency.services.statement_steps import (
    require_payment_reference,
    statement_approve,
    statement_paid_record,
)
from core.audit import audit_event_record
from core.idempotency import create_once
from core.timeutil import month_bounds
from stations.models import Station

Status = CommissionStatement.Status
Role = LedgerEntry.Role


def statement_figures(station: Station, month: date) -> tuple[dict, list[dict]]:
    """Totals and per-product lines for `station` in `month`, straight from the ledger (no writes)."""
    return month_statement_figures(month, station_ids=[station.pk]).get(station.pk, _no_figures())


def _no_figures() -> tuple[dict, list[dict]]:
    return {field: 0 for field in ("transaction_count", "gross_fen", "clawback_fen", "tax_fen", "net_fen",
                                   "fees_fen")}, []


def month_statement_figures(month: date, *, station_ids: list[int] | None = None) -> dict[int, tuple[dict, list[dict]]]:
    """{station id: (totals, lines)} for every station (or those of `station_ids`) with commission or fees
    posted in `month`: two GROUP BY queries over the month's journals (the posting-time index picks
    them), not one pass per station over each station's whole history."""
    start, end = month_bounds(month)
    in_month = Q(journal__posted_at__gte=start, journal__posted_at__lt=end, account__station__isnull=False)
    if station_ids is not None:
        in_month &= Q(account__station_id__in=station_ids)
    rows = (LedgerEntry.objects.filter(in_month, account__purpose=Purpose.COMMISSION)
            .values("account__station_id", "journal__counter_transaction__product",
                    "journal__counter_transaction__kind", "role", "journal__kind")
            .annotate(total=Sum("amount_fen"), journals=Count("journal", distinct=True)).order_by())
    lines: dict[int, dict[tuple, dict]] = {}
    for row in rows:
        by_key = lines.setdefault(row["account__station_id"], {})  # a payout alone still makes a statement
        if row["role"] not in (Role.COMMISSION, Role.TAX):
            continue
        key = (row["journal__counter_transaction__product"], row["journal__counter_transaction__kind"] or "")
        line = by_key.setdefault(key, {
            "product_id": key[0], "kind": key[1], "transaction_count": 0, "gross_fen": 0, "clawback_fen": 0,
            "tax_fen": 0})
        if row["role"] == Role.TAX:
            line["tax_fen"] += row["total"]
        elif row["journal__kind"] == Journal.Kind.REVERSAL:
            line["clawback_fen"] += row["total"]
        else:
            line["gross_fen"] -= row["total"]
            line["transaction_count"] += row["journals"]
    fees = dict(LedgerEntry.objects.filter(in_month, account__purpose=Purpose.FEES).values("account__station_id")
                .annotate(total=Sum("amount_fen")).values_list("account__station_id", "total").order_by())
    products = Product.objects.in_bulk({k[0] for by_key in lines.values() for k in by_key if k[0]})
    kinds = dict(CounterTransaction.Kind.choices)
    figures = {}
    for station_id in lines.keys() | fees.keys():
        result = []
        for (product_id, kind), line in sorted(lines.get(station_id, {}).items(), key=lambda item: str(item[0])):
            line["net_fen"] = line["gross_fen"] - line["clawback_fen"] - line["tax_fen"]
            line["label"] = str(products[product_id].name if product_id else kinds.get(kind, _("Other")))[:80]
            result.append(line)
        totals = {field: sum(line[field] for line in result)
                  for field in ("transaction_count", "gross_fen", "clawback_fen", "tax_fen", "net_fen")}
        totals["fees_fen"] = -(fees.get(station_id) or 0)
        figures[station_id] = (totals, result)
    return figures


def commission_statement_generate(*, actor: User | None, station: Station, month: date) -> CommissionStatement:
    """The station's statement for `month` (any day of it), generated once; `actor=None` is the system."""
    if actor is not None:
        require_region_admin(actor, station, county_only=True)
    month = month.replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("A month's statement can be generated once the month has ended.")})
    existing = CommissionStatement.objects.filter(station=station, month=month).first()
    if existing is not None:
        return existing
    return _generate(actor=actor, station=station, month=month, figures=statement_figures(station, month))


def _generate(*, actor, station: Station, month: date, figures: tuple[dict, list[dict]]) -> CommissionStatement:
    totals, lines = figures

    def build() -> CommissionStatement:
        return CommissionStatement(generated_by=actor, generated_at=timezone.now(), **totals)

    with transaction.atomic():  # generated concurrently (the task and a county admin): the first stands
        statement, created = create_once(CommissionStatement, key={"station": station, "month": month}, build=build)
        if not created:
            return statement
        CommissionStatementLine.objects.bulk_create(
            [CommissionStatementLine(statement=statement, product_id=line["product_id"], label=line["label"],
                                     **{f: line[f] for f in ("transaction_count", "gross_fen", "clawback_fen",
                                                             "tax_fen", "net_fen")}) for line in lines])
        audit_event_record(actor=actor, action="agency.statement.generate", target=statement,
                           data={"net_fen": statement.net_fen})
    return statement


def commission_statements_generate_month(*, actor: User | None, month: date) -> list[CommissionStatement]:
    """Statements for every station with commission or fees posted in `month` (idempotent): the month's
    figures of every station read at once (month_statement_figures), then one statement per station
    that has none yet."""
    month = month.replace(day=1)
    if month >= timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("A month's statement can be generated once the month has ended.")})
    figures = month_statement_figures(month)
    existing = {s.station_id: s for s in CommissionStatement.objects.filter(month=month, station_id__in=figures)}
    stations = Station.objects.filter(pk__in=figures).select_related("village").order_by("code")
    if actor is not None:
        for station in stations:
            require_region_admin(actor, station, county_only=True)
    return [existing.get(station.pk) or _generate(actor=actor, station=station, month=month,
                                                  figures=figures[station.pk]) for station in stations]


def commission_statement_approve(*, actor: User, statement: CommissionStatement) -> CommissionStatement:
    """The checker: a county admin other than the one who generated it."""
    require_region_admin(actor, statement.station, county_only=True)
    return statement_approve(statement, actor=actor, action="agency.statement.approve")


def commission_statement_mark_paid(*, actor: User, statement: CommissionStatement,
                                   payment_reference: str) -> CommissionStatement:
    """Record the bank payment of an approved statement and post it (commission → platform bank)."""
    require_signed_in(actor)
    require_region_admin(actor, statement.station, county_only=True)
    require_payment_reference(payment_reference)
    with transaction.atomic():
        statement = (CommissionStatement.objects.select_for_update(of=("self",)).select_related("station")
                     .get(pk=statement.pk))
        statement_paid_record(
            statement, actor=actor, payment_reference=payment_reference, amount_fen=statement.net_fen,
            paid_from=lambda: station_account(statement.station, Purpose.COMMISSION), kind=Journal.Kind.PAYOUT,
            memo=statement.station.code, station=statement.station, action="agency.statement.pay")
    return statement
