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

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Expression, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agency.models import (
    Account,
    CommissionDayRollup,
    CommissionRollup,
    CommissionStatement,
    CounterTransaction,
    Journal,
    LedgerEntry,
    Product,
    Provider,
)
from agency.models.rollups import ALL_PRODUCTS, NO_PRODUCT, ROLLUP_SUMS
from core.timeutil import COUNTY_TZ, month_end, start_of_day
from reports.commission_figures import CommissionFigures, figures_from_sums, total_of
from reports.selectors.dimensions import TOWNSHIP_PATH_LENGTH, Period, dimension, month_key
from reports.selectors.scope import ReportScope
from stations.models import Region

EARNING_KINDS = (CounterTransaction.Kind.PROVIDER, CounterTransaction.Kind.ORDER_COMMISSION)
COUNTED_JOURNALS = (Journal.Kind.PAYMENT, Journal.Kind.REVERSAL)
PAYMENT, REVERSAL = Journal.Kind.PAYMENT, Journal.Kind.REVERSAL
COMMISSION, TAX = LedgerEntry.Role.COMMISSION, LedgerEntry.Role.TAX
STATEMENT_STATUS = CommissionStatement.Status


@dataclass(frozen=True)
class CommissionFilters:
    """The report's narrowing filters on top of the scope."""

    township: Region | None = None
    station_id: int | None = None
    provider_id: int | None = None
    product_id: int | None = None

    def journal_q(self, prefix: str = "") -> Q:
        q = Q()
        if self.township is not None:
            q &= Q(**{f"{prefix}station__village__path__startswith": self.township.path})
        if self.station_id:
            q &= Q(**{f"{prefix}station_id": self.station_id})
        if self.provider_id:
            q &= Q(**{f"{prefix}counter_transaction__product__provider_id": self.provider_id})
        if self.product_id:
            q &= Q(**{f"{prefix}counter_transaction__product_id": self.product_id})
        return q

    @property
    def by_product(self) -> bool:
        """Statements are per station and month, not per product: a provider or product filter hides them."""
        return bool(self.provider_id or self.product_id)


@dataclass(frozen=True)
class CommissionDimension:
    name: str
    label: object  # lazy: the column heading
    journal_expression: Callable[[str], Expression]  # the key from a Journal reached through a prefix
    labels: Callable[[Iterable], dict]  # keys → {key: (label, drill value)}
    statement_expression: Callable[[], Expression] | None = None  # None: statements have no such key
    # the key from a rollup row, given the table's date field and whether its rows are townships'
    rollup_expression: Callable[[str, bool], Expression] | None = None
    # rollup keys found → {rollup key: report key}, when the rollup keeps a finer key (provider ← product)
    rollup_fold: Callable[[Iterable], dict] | None = None


def _by_pk(model, keys) -> dict:
    return {pk: (name, pk) for pk, name in model.objects.filter(pk__in=[k for k in keys if k])
            .values_list("pk", "name")}


def _provider_labels(keys) -> dict:
    return _by_pk(Provider, keys)


def _product_labels(keys) -> dict:
    return _by_pk(Product, keys)


def _township_expression(path_field: str) -> Expression:
    return Substr(F(path_field), 1, TOWNSHIP_PATH_LENGTH)


def _providers_of_products(keys) -> dict:
    """Rollups keep the product (its provider is the product's own); 0 is a store order commission."""
    providers = dict(Product.objects.filter(pk__in=[k for k in keys if k]).values_list("pk", "provider_id"))
    return {k: providers.get(k) for k in keys}


def _products(keys) -> dict:
    return {k: (None if k == NO_PRODUCT else k) for k in keys}


DIMENSIONS: dict[str, CommissionDimension] = {d.name: d for d in (
    CommissionDimension("township", gettext_lazy("Township"),
                        lambda p: _township_expression(f"{p}station__village__path"), dimension("township").labels,
                        lambda: _township_expression("station__village__path"),
                        lambda d, townships: F("township_path")),
    CommissionDimension("station", gettext_lazy("Station"), lambda p: F(f"{p}station_id"),
                        dimension("station").labels, lambda: F("station_id"), lambda d, townships: F("station_id")),
    CommissionDimension("provider", gettext_lazy("Provider"),
                        lambda p: F(f"{p}counter_transaction__product__provider_id"), _provider_labels,
                        rollup_expression=lambda d, townships: F("product_key"), rollup_fold=_providers_of_products),
    CommissionDimension("product", gettext_lazy("Product"), lambda p: F(f"{p}counter_transaction__product_id"),
                        _product_labels, rollup_expression=lambda d, townships: F("product_key"),
                        rollup_fold=_products),
    CommissionDimension("month", gettext_lazy("Month"), lambda p: TruncMonth(f"{p}posted_at", tzinfo=COUNTY_TZ),
                        dimension("month").labels, lambda: F("month"),
                        lambda d, townships: F("month") if d == "month" else TruncMonth("day")),
)}


def commission_dimension(name: str) -> CommissionDimension:
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise ValueError(f"Unknown commission dimension {name!r}; use one of {sorted(DIMENSIONS)}.") from None


def unknown_label(name: str) -> str:
    """The label of a None key: a store order commission has no provider and no product."""
    return {"provider": _("Store (member merchants)"), "product": _("Store order commission")}.get(
        name, _("Unknown"))


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


def _posted_q(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}posted_at__gte": start_of_day(period.start),
                f"{prefix}posted_at__lt": start_of_day(period.end + datetime.timedelta(days=1))})


def journal_q(*, scope: ReportScope, period: Period, filters: CommissionFilters, prefix: str = "") -> Q:
    """The counted journals (reached through `prefix`, e.g. "journal__" from LedgerEntry)."""
    return (scope.station_q(f"{prefix}station__") & _posted_q(period, prefix) & filters.journal_q(prefix)
            & Q(**{f"{prefix}kind__in": COUNTED_JOURNALS, f"{prefix}counter_transaction__kind__in": EARNING_KINDS}))


def _keys(dimensions: Sequence[str], prefix: str) -> dict[str, Expression]:
    keys = {f"k_{name}": commission_dimension(name).journal_expression(prefix) for name in dimensions}
    return keys or {"k_all": Value(0)}  # a bare values() would group by every column


def _row_key(row: dict, dimensions: Sequence[str]) -> tuple:
    return tuple(month_key(row[f"k_{name}"]) if name == "month" else row[f"k_{name}"] for name in dimensions)


def _journal_sums(q: Q, dimensions: Sequence[str]) -> dict[tuple, dict]:
    provider = Q(counter_transaction__kind=CounterTransaction.Kind.PROVIDER)
    rows = (Journal.objects.filter(q).values(**_keys(dimensions, "")).annotate(
        transactions=Count("pk", filter=Q(kind=PAYMENT)),
        reversals=Count("pk", filter=Q(kind=REVERSAL)),
        volume_fen=Sum("counter_transaction__amount_fen", filter=Q(kind=PAYMENT) & provider),
        reversed_volume_fen=Sum("counter_transaction__amount_fen", filter=Q(kind=REVERSAL) & provider),
    ).order_by())
    return {_row_key(row, dimensions): row for row in rows}


def _entry_sums(q_via_journal: Q, dimensions: Sequence[str]) -> dict[tuple, dict]:
    """Commission and tax entries on the tiers' commission accounts. Credits are negative: a payment
    credits each tier its share, its reversal debits it back; tax is a debit on the station's account."""
    commission = Q(role=COMMISSION)
    rows = (LedgerEntry.objects.filter(q_via_journal, account__purpose=Account.Purpose.COMMISSION,
                                       role__in=(COMMISSION, TAX))
            .values(**_keys(dimensions, "journal__")).annotate(
                credited=Sum("amount_fen", filter=commission & Q(journal__kind=PAYMENT)),
                clawback_fen=Sum("amount_fen", filter=commission & Q(journal__kind=REVERSAL)),
                tax_fen=Sum("amount_fen", filter=Q(role=TAX)),
                operator=Sum("amount_fen", filter=commission & Q(account__station__isnull=False)),
                township=Sum("amount_fen", filter=commission & Q(account__region__level=Region.Level.TOWNSHIP)),
                county=Sum("amount_fen", filter=commission & Q(account__region__level=Region.Level.COUNTY)),
                platform=Sum("amount_fen", filter=commission & Q(account__station__isnull=True,
                                                                  account__region__isnull=True)),
            ).order_by())
    return {_row_key(row, dimensions): {
        "gross_fen": -(row["credited"] or 0), "clawback_fen": row["clawback_fen"] or 0, "tax_fen": row["tax_fen"] or 0,
        **{f"{tier}_fen": -(row[tier] or 0) for tier in ("operator", "township", "county", "platform")},
    } for row in rows}


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


def _rollup_sums(*, scope: ReportScope, period: Period, filters: CommissionFilters,
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


def _statement_q(*, scope: ReportScope, period: Period, filters: CommissionFilters) -> Q:
    q = scope.station_q("station__") & Q(month__gte=period.start.replace(day=1), month__lte=period.end)
    if filters.township is not None:
        q &= Q(station__village__path__startswith=filters.township.path)
    if filters.station_id:
        q &= Q(station_id=filters.station_id)
    return q


def _statement_sums(*, scope: ReportScope, period: Period, filters: CommissionFilters,
                    dimensions: Sequence[str]) -> dict[tuple, dict]:
    """The statements of the stations in scope for the months the period touches, by status."""
    q = _statement_q(scope=scope, period=period, filters=filters)
    keys = {f"k_{name}": commission_dimension(name).statement_expression() for name in dimensions}
    rows = (CommissionStatement.objects.filter(q).values(**(keys or {"k_all": Value(0)})).annotate(
        statements_generated=Count("pk", filter=Q(status=STATEMENT_STATUS.GENERATED)),
        statements_approved=Count("pk", filter=Q(status=STATEMENT_STATUS.APPROVED)),
        statements_paid=Count("pk", filter=Q(status=STATEMENT_STATUS.PAID)),
        paid_net_fen=Sum("net_fen", filter=Q(status=STATEMENT_STATUS.PAID)),
    ).order_by())
    return {_row_key(row, dimensions): row for row in rows}


def _sort_key(row: CommissionRow, dimensions: Sequence[str]):
    # Months in time order, everything else by name; the None keys last.
    return tuple((k is None, str(k) if name == "month" else label)
                 for name, k, label in zip(dimensions, row.keys, row.labels, strict=True))


def commission_table(*, scope: ReportScope, period: Period, dimensions: Sequence[str] = ("township",),
                     filters: CommissionFilters = CommissionFilters(), source: str = "rollups") -> CommissionTable:
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
        journals, entries = _rollup_sums(scope=scope, period=period, filters=filters, dimensions=dimensions), {}
    else:
        journals = _journal_sums(journal_q(scope=scope, period=period, filters=filters), dimensions)
        entries = _entry_sums(journal_q(scope=scope, period=period, filters=filters, prefix="journal__"),
                              dimensions)
    statements = (_statement_sums(scope=scope, period=period, filters=filters, dimensions=dimensions)
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
    rows.sort(key=lambda r: _sort_key(r, dimensions))
    return CommissionTable(dimensions=dimensions, period=period, rows=rows, total=total_of(r.figures for r in rows),
                           has_statements=with_statements)


def commission_journal_list(*, scope: ReportScope, period: Period,
                            filters: CommissionFilters = CommissionFilters()) -> QuerySet[Journal]:
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
                              filters: CommissionFilters = CommissionFilters()) -> list[CommissionStatement]:
    """The statements of the months the period touches, for the stations in scope (narrowed by the
    township and station filters), newest month first. One query."""
    if not holds_stations(scope):
        return []
    return list(CommissionStatement.objects.filter(_statement_q(scope=scope, period=period, filters=filters)).select_related("station")
                .order_by("-month", "station__code")[:500])


def commission_provider_choices() -> list[tuple[int, str]]:
    """Every provider (the catalogue is the county's, not a station's). One query."""
    return list(Provider.objects.order_by("name").values_list("pk", "name"))


def commission_product_choices(*, provider_id: int | None = None) -> list[tuple[int, str]]:
    products = Product.objects.order_by("provider__name", "name")
    if provider_id:
        products = products.filter(provider_id=provider_id)
    return list(products.values_list("pk", "name"))
