"""Commission figures of the station till, aggregated in the database (read-only over agency's tables).

What is counted (see reports/commission_figures.py for each figure): the payment and reversal journals
of commission-earning counter transactions (provider services and store order commissions) posted in
the period, in the stations of the scope. A journal's month is the month it was posted in, Beijing
time, as agency's monthly statements count it (a reversal is clawed back in the month it is posted).

`commission_table` reads agency's commission rollups (agency/models/rollups.py: the same sums per
month and per day, station and product, kept as journals post): one GROUP BY over the month rows of the
period's whole months, one over the day rows of its ragged ends (if any), one over the monthly
statements (only when rows are stations, townships or months), and one per dimension named in the
database. Its cost grows
with stations × products × months, not with transactions. `source="ledger"` computes the same table
from the raw rows instead — one GROUP BY over the journals (counts and volumes), one over their
commission and tax entries — for the checks that the two agree and the benchmark's baseline. The
drill-down to transactions (`commission_journal_list`) always reads the raw rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet, Sum

from agency.commission_counting import COMMISSION, TAX
from agency.models import Account, CommissionStatement, Journal, Product, Provider
from reports.commission_figures import CommissionFigures, figures_from_sums, total_of
from reports.selectors.commission_dimensions import CommissionFilters, commission_dimension, unknown_label
from reports.selectors.commission_sums import (
    entry_sums,
    journal_q,
    journal_sums,
    rollup_sums,
    statement_q,
    statement_sums,
)
from reports.selectors.dimensions import Period, row_order
from reports.selectors.scope import ReportScope

NO_FILTERS = CommissionFilters()  # the default: the scope alone


@dataclass(frozen=True)
class CommissionRow:
    keys: tuple
    labels: tuple[str, ...]
    drill: tuple  # per dimension: the value of its filter query parameter (None: no drill-down)
    figures: CommissionFigures


@dataclass(frozen=True)
class CommissionTable:
    dimensions: tuple[str, ...]
    period: Period
    rows: list[CommissionRow] = field(default_factory=list)
    total: CommissionFigures = field(default_factory=CommissionFigures)
    has_statements: bool = False  # False when the rows are providers or products, or those are filtered


def holds_stations(scope: ReportScope) -> bool:
    """Commission figures are per station: an officer's scope (departments only) holds none."""
    return scope.everything or bool(scope.region_paths or scope.station_ids)


def commission_table(*, scope: ReportScope, period: Period, dimensions: Sequence[str] = ("township",),
                     filters: CommissionFilters = NO_FILTERS, source: str = "rollups") -> CommissionTable:
    """The commission figures in `scope` over `period`, one row per combination of `dimensions`
    ("township", "station", "provider", "product", "month"; `()` = the total only), plus the total.

    From the rollups: one query (two from the ledger, `source="ledger"`), one more for the statements
    when every dimension is a station, township or month (and no provider or product is filtered), and
    one per dimension named in the database (all but month; provider two). None when the scope holds
    no station."""
    if source not in ("rollups", "ledger"):
        raise ValueError(f"Unknown source {source!r}; use 'rollups' or 'ledger'.")
    dimensions = tuple(dimensions)
    for name in dimensions:
        commission_dimension(name)  # unknown names fail before any query
    with_statements = not filters.by_product and all(
        commission_dimension(name).statement_expression is not None for name in dimensions)
    if not holds_stations(scope):
        return CommissionTable(dimensions=dimensions, period=period, has_statements=with_statements)
    if source == "rollups":
        journals, entries = rollup_sums(scope=scope, period=period, filters=filters, dimensions=dimensions), {}
    else:
        journals = journal_sums(journal_q(scope=scope, period=period, filters=filters), dimensions)
        entries = entry_sums(journal_q(scope=scope, period=period, filters=filters, prefix="journal__"),
                              dimensions)
    statements = (statement_sums(scope=scope, period=period, filters=filters, dimensions=dimensions)
                  if with_statements else {})
    keys = set(journals) | set(entries) | set(statements)
    labels = [commission_dimension(name).labels({key[i] for key in keys}) for i, name in enumerate(dimensions)]
    rows = []
    for key in keys:
        named = [labels[i].get(k) for i, k in enumerate(key)]
        rows.append(CommissionRow(
            keys=key, labels=tuple(n[0] if n else unknown_label(dimensions[i]) for i, n in enumerate(named)),
            drill=tuple(n[1] if n else None for n in named),
            figures=figures_from_sums(journals.get(key, {}), entries.get(key, {}), statements.get(key, {}))))
    rows.sort(key=lambda r: row_order(r, dimensions))
    return CommissionTable(dimensions=dimensions, period=period, rows=rows, total=total_of(r.figures for r in rows),
                           has_statements=with_statements)


def commission_journal_list(*, scope: ReportScope, period: Period,
                            filters: CommissionFilters = NO_FILTERS) -> QuerySet[Journal]:
    """The counted journals one by one (the bottom of the drill-down), newest first, each annotated
    with its signed figures: `commission_fen` (all tiers), `operator_fen`, `tax_fen` — positive for a
    payment, negative for a reversal. Paginate it: a count and a page, two queries."""
    if not holds_stations(scope):
        return Journal.objects.none()
    tier_entry = Q(entries__role=COMMISSION, entries__account__purpose=Account.Purpose.COMMISSION)
    return (Journal.objects.filter(journal_q(scope=scope, period=period, filters=filters))
            .select_related("counter_transaction__product__provider", "station")
            .annotate(commission_fen=Sum(F("entries__amount_fen") * -1, filter=tier_entry),
                      operator_fen=Sum(F("entries__amount_fen") * -1, filter=tier_entry & Q(
                          entries__account__station__isnull=False)),
                      tax_fen=Sum("entries__amount_fen", filter=Q(
                          entries__role=TAX, entries__account__purpose=Account.Purpose.COMMISSION)))
            .order_by("-posted_at", "-pk"))


def commission_statement_rows(*, scope: ReportScope, period: Period,
                              filters: CommissionFilters = NO_FILTERS) -> list[CommissionStatement]:
    """The statements of the months the period touches, for the stations in scope (narrowed by the
    township and station filters), newest month first. One query."""
    if not holds_stations(scope):
        return []
    return list(CommissionStatement.objects.filter(statement_q(scope=scope, period=period, filters=filters)).select_related("station")
                .order_by("-month", "station__code")[:500])


def commission_provider_choices() -> list[tuple[int, str]]:
    """Every provider (the catalogue is the county's, not a station's). One query."""
    return list(Provider.objects.order_by("name").values_list("pk", "name"))


def commission_product_choices(*, provider_id: int | None = None) -> list[tuple[int, str]]:
    products = Product.objects.order_by("provider__name", "name")
    if provider_id:
        products = products.filter(provider_id=provider_id)
    return list(products.values_list("pk", "name"))
