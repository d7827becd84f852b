"""The sums behind the commission table, keyed by its dimensions: from agency's rollups (month rows of
the period's whole months, day rows of its ragged ends), from the raw ledger (journals and their
commission and tax entries: the checks and the benchmark's baseline), and from the monthly statements."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count, Expression, Q, Sum, Value

from agency.commission_counting import (
    COMMISSION_ENTRIES,
    CREDITED,
    counted_journals_q,
    entry_aggregates,
    journal_aggregates,
)
from agency.models import (
    CommissionDayRollup,
    CommissionRollup,
    CommissionStatement,
    Journal,
    LedgerEntry,
    Product,
)
from agency.models.rollups import ALL_PRODUCTS, NO_PRODUCT, ROLLUP_SUMS
from core.timeutil import month_end, start_of_day
from reports.selectors.commission_dimensions import CommissionFilters, commission_dimension
from reports.selectors.dimensions import TOWNSHIP_PATH_LENGTH, Period, month_key
from reports.selectors.scope import ReportScope

STATEMENT_STATUS = CommissionStatement.Status


def _posted_q(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}posted_at__gte": start_of_day(period.start),
                f"{prefix}posted_at__lt": start_of_day(period.end + datetime.timedelta(days=1))})


def journal_q(*, scope: ReportScope, period: Period, filters: CommissionFilters, prefix: str = "") -> Q:
    """The counted journals (reached through `prefix`, e.g. "journal__" from LedgerEntry)."""
    return (scope.station_q(f"{prefix}station__") & _posted_q(period, prefix) & filters.journal_q(prefix)
            & counted_journals_q(prefix))


def _keys(dimensions: Sequence[str], prefix: str) -> dict[str, Expression]:
    keys = {f"k_{name}": commission_dimension(name).journal_expression(prefix) for name in dimensions}
    return keys or {"k_all": Value(0)}  # a bare values() would group by every column


def _row_key(row: dict, dimensions: Sequence[str]) -> tuple:
    return tuple(month_key(row[f"k_{name}"]) if name == "month" else row[f"k_{name}"] for name in dimensions)


def journal_sums(q: Q, dimensions: Sequence[str]) -> dict[tuple, dict]:
    rows = Journal.objects.filter(q).values(**_keys(dimensions, "")).annotate(**journal_aggregates()).order_by()
    return {_row_key(row, dimensions): row for row in rows}


def entry_sums(q_via_journal: Q, dimensions: Sequence[str]) -> dict[tuple, dict]:
    """Commission and tax entries on the tiers' commission accounts (agency.commission_counting): credits
    are negative, shown positive."""
    aggregates = entry_aggregates()
    rows = (LedgerEntry.objects.filter(q_via_journal, COMMISSION_ENTRIES).values(**_keys(dimensions, "journal__"))
            .annotate(**aggregates).order_by())
    return {_row_key(row, dimensions): {name: -(row[name] or 0) if name in CREDITED else row[name] or 0
                                        for name in aggregates} for row in rows}


def rollup_parts(period: Period) -> tuple[Q | None, Q | None]:
    """The rollup rows that add up to exactly the period: a Q over the month rows of its whole months
    and one over the day rows of the months it covers in part (at most the first and the last);
    None where there are none."""
    whole, ragged = [], None
    for first in period.months:
        last = month_end(first)
        low, high = max(first, period.start), min(last, period.end)
        if (low, high) == (first, last):
            whole.append(first)
        else:
            part = Q(day__gte=low, day__lte=high)
            ragged = part if ragged is None else ragged | part
    # whole months are consecutive: one range
    return (Q(month__gte=whole[0], month__lte=whole[-1]) if whole else None), ragged


def _by_township(*, scope: ReportScope, filters: CommissionFilters, dimensions: Sequence[str]) -> bool:
    """Whether the rollup rows are narrowed by their township column alone (no join to the stations):
    nothing names or groups stations, and the scope is made of whole townships (or larger regions)."""
    return (not scope.station_ids and all(len(path) <= TOWNSHIP_PATH_LENGTH for path in scope.region_paths)
            and not filters.station_id and "station" not in dimensions)


def _rollup_filters_q(*, scope: ReportScope, filters: CommissionFilters, by_product: bool, townships: bool) -> Q:
    """The scope and filters over a rollup table (the same journals as `journal_q`). Without a
    provider or product to tell apart, the all-products rows: one per station (or township) instead
    of one per product."""
    if townships:
        q = Q() if scope.everything else Q(township_path__in=[])
        for path in scope.region_paths:
            q |= Q(township_path__startswith=path)
        if filters.township is not None:
            q &= Q(township_path=filters.township.path[:TOWNSHIP_PATH_LENGTH])
    else:
        q = scope.station_q("station__")
        if filters.township is not None:
            q &= Q(station__village__path__startswith=filters.township.path)
        if filters.station_id:
            q &= Q(station_id=filters.station_id)
    if filters.provider_id:
        q &= Q(product_key__in=Product.objects.filter(provider_id=filters.provider_id).values("pk"))
    if filters.product_id:
        q &= Q(product_key=filters.product_id)
    return q & (Q(product_key__gte=NO_PRODUCT) if by_product else Q(product_key=ALL_PRODUCTS))


def _rollup_rows(model, date_field: str, q: Q, dimensions: Sequence[str], townships: bool) -> list[dict]:
    keys = {f"k_{name}": commission_dimension(name).rollup_expression(date_field, townships) for name in dimensions}
    return list(model.objects.filter(q).values(**(keys or {"k_all": Value(0)}))
                .annotate(**{name: Sum(name) for name in ROLLUP_SUMS}).order_by())


def rollup_sums(*, scope: ReportScope, period: Period, filters: CommissionFilters,
                 dimensions: Sequence[str]) -> dict[tuple, dict]:
    """Every figure but the statements' from the rollups: a GROUP BY over the month rows, another over
    the day rows when the period has ragged ends (narrowed by the rows' township when no station is
    asked for, else through their stations); then the finer rollup keys (a product standing for its provider) folded into
    the report's in Python."""
    by_product = filters.by_product or any(name in ("provider", "product") for name in dimensions)
    townships = _by_township(scope=scope, filters=filters, dimensions=dimensions)
    narrow = _rollup_filters_q(scope=scope, filters=filters, by_product=by_product, townships=townships)
    months, days = rollup_parts(period)
    rows = []
    if months is not None:
        rows += _rollup_rows(CommissionRollup, "month", narrow & months, dimensions, townships)
    if days is not None:
        rows += _rollup_rows(CommissionDayRollup, "day", narrow & days, dimensions, townships)
    folds = [commission_dimension(name).rollup_fold for name in dimensions]
    maps = [fold({row[f"k_{name}"] for row in rows}) if fold else None
            for name, fold in zip(dimensions, folds, strict=True)]
    out: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(ROLLUP_SUMS, 0))
    for row in rows:
        key = _row_key({f"k_{name}": (m[row[f"k_{name}"]] if m is not None else row[f"k_{name}"])
                        for name, m in zip(dimensions, maps, strict=True)}, dimensions)
        sums = out[key]
        for name in ROLLUP_SUMS:
            sums[name] += row[name] or 0
    return dict(out)


def statement_q(*, scope: ReportScope, period: Period, filters: CommissionFilters) -> Q:
    q = scope.station_q("station__") & Q(month__gte=period.start.replace(day=1), month__lte=period.end)
    if filters.township is not None:
        q &= Q(station__village__path__startswith=filters.township.path)
    if filters.station_id:
        q &= Q(station_id=filters.station_id)
    return q


def statement_sums(*, scope: ReportScope, period: Period, filters: CommissionFilters,
                    dimensions: Sequence[str]) -> dict[tuple, dict]:
    """The statements of the stations in scope for the months the period touches, by status."""
    q = statement_q(scope=scope, period=period, filters=filters)
    keys = {f"k_{name}": commission_dimension(name).statement_expression() for name in dimensions}
    rows = (CommissionStatement.objects.filter(q).values(**(keys or {"k_all": Value(0)})).annotate(
        statements_generated=Count("pk", filter=Q(status=STATEMENT_STATUS.GENERATED)),
        statements_approved=Count("pk", filter=Q(status=STATEMENT_STATUS.APPROVED)),
        statements_paid=Count("pk", filter=Q(status=STATEMENT_STATUS.PAID)),
        paid_net_fen=Sum("net_fen", filter=Q(status=STATEMENT_STATUS.PAID)),
    ).order_by())
    return {_row_key(row, dimensions): row for row in rows}
