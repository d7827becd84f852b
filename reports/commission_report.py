"""The commission report: its parameters, what the page shows, and the same as sheets and a PDF.

The page, the CSV/XLSX downloads and the PDF job are all built from one `CommissionReport`, so a file
always matches the page it was taken from. Money stays integer fen until it is shown; the charts get
yuan as Decimal (exact), the sheets get yuan as Decimal with two places.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.money import yuan_decimal
from core.spreadsheets import Sheet
from core.timeutil import last_full_month, month_end
from reports import charts
from reports.building import about_sheet
from reports.commission_figures import CommissionFigures
from reports.drill import drill_query
from reports.kpis import rank_by
from reports.params import PeriodParams
from reports.selectors.commission_dimensions import CommissionFilters, commission_dimension
from reports.selectors.commissions import CommissionRow, CommissionTable, commission_table
from reports.selectors.scope import ReportScope
from stations.models import Region

GROUP_CHOICES = [
    ("township", gettext_lazy("Township")),
    ("station", gettext_lazy("Station")),
    ("provider", gettext_lazy("Provider")),
    ("product", gettext_lazy("Product")),
    ("month", gettext_lazy("Month")),
]
# Where a row's link leads: the first of these groupings the user may use, with the row's value as a
# filter. A station row leads to its transactions instead (the bottom of the drill-down).
NEXT_LEVELS = {"township": ("station",), "provider": ("product",), "product": ("station", "month"),
               "month": ("township", "station", "product")}
RANKED = 15  # stations in the ranking chart

# (attribute of CommissionFigures, heading, kind, shown on the page): kind "fen" is money, "n" a count.
COLUMNS = [
    ("transactions", pgettext_lazy("commission", "Transactions"), "n", True),
    ("volume_fen", gettext_lazy("Volume (yuan)"), "fen", True),
    ("reversals", gettext_lazy("Reversals"), "n", True),
    ("reversed_volume_fen", gettext_lazy("Reversed volume (yuan)"), "fen", False),
    ("gross_fen", gettext_lazy("Gross commission (yuan)"), "fen", True),
    ("clawback_fen", gettext_lazy("Clawbacks (yuan)"), "fen", True),
    ("tax_fen", gettext_lazy("Tax withheld (yuan)"), "fen", True),
    ("net_fen", gettext_lazy("Net commission (yuan)"), "fen", True),
    ("operator_fen", gettext_lazy("Operator share (yuan)"), "fen", True),
    ("township_fen", gettext_lazy("Township share (yuan)"), "fen", True),
    ("county_fen", gettext_lazy("County share (yuan)"), "fen", True),
    ("platform_fen", gettext_lazy("Platform share (yuan)"), "fen", True),
]
STATEMENT_COLUMNS = [
    ("statements_generated", gettext_lazy("Statements generated"), "n", True),
    ("statements_approved", gettext_lazy("Statements approved"), "n", True),
    ("statements_paid", gettext_lazy("Statements paid"), "n", True),
    ("paid_net_fen", gettext_lazy("Paid out (yuan)"), "fen", True),
]


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last full month: the one whose statements are being reviewed."""
    first = last_full_month(today)
    return first, month_end(first)


@dataclass(frozen=True)
class CommissionParams(PeriodParams):
    group: str = "township"
    township: int | None = None
    station: int | None = None
    provider: int | None = None
    product: int | None = None

    def __post_init__(self) -> None:
        if self.group not in dict(GROUP_CHOICES):
            raise ValueError(f"Unknown grouping {self.group!r}.")
        if self.date_to < self.date_from:
            raise ValueError("A period cannot end before it starts.")



def _columns(with_statements: bool) -> list[tuple]:
    return COLUMNS + (STATEMENT_COLUMNS if with_statements else [])


def _value(figures: CommissionFigures, name: str, kind: str):
    value = getattr(figures, name)
    return yuan_decimal(value) if kind == "fen" else value


def figure_values(figures: CommissionFigures, *, with_statements: bool, every: bool = False) -> list:
    """The row's values in column order: counts as int, money as yuan (Decimal)."""
    return [_value(figures, name, kind) for name, _label, kind, shown in _columns(with_statements) if every or shown]


@dataclass
class CommissionReport:
    params: CommissionParams
    table: CommissionTable
    trend: CommissionTable
    products: CommissionTable
    stations: CommissionTable
    filter_labels: list[str] = field(default_factory=list)
    groups: tuple[str, ...] = tuple(name for name, _label in GROUP_CHOICES)  # the groupings offered

    @property
    def total(self) -> CommissionFigures:
        return self.table.total

    @property
    def with_statements(self) -> bool:
        return self.table.has_statements

    @property
    def group_label(self) -> str:
        return str(commission_dimension(self.params.group).label)

    def headings(self, *, every: bool = False) -> list[str]:
        return [str(label) for _name, label, _kind, shown in _columns(self.with_statements) if every or shown]

    def money_columns(self) -> list[bool]:
        return [kind == "fen" for _name, _label, kind, shown in _columns(self.with_statements) if shown]

    def rows(self) -> list[dict]:
        return [{"label": row.labels[0], "values": figure_values(row.figures, with_statements=self.with_statements),
                 "url": self.drill_url(row), "figures": row.figures} for row in self.table.rows]

    def total_values(self) -> list:
        return figure_values(self.total, with_statements=self.with_statements)

    def trend_rows(self) -> list[dict]:
        """The monthly rows with the page's columns (statements only when the main table has them)."""
        with_statements = self.with_statements and self.trend.has_statements
        return [{"label": row.labels[0], "values": figure_values(row.figures, with_statements=with_statements)}
                for row in self.trend.rows]

    def drill_url(self, row: CommissionRow) -> str | None:
        value, group = row.drill[0], self.params.group
        if value is None:
            return None
        if group == "station":  # the bottom of the drill-down: the station's transactions
            return reverse("reports:commission-transactions") + "?" + self.params.query(station=value, group="station")
        return drill_query(self.params.query, levels=NEXT_LEVELS, group=group, value=value, allowed=self.groups,
                           date_from=self.params.date_from, date_to=self.params.date_to)

    # --- charts (every chart's figures are also in a table on the page) ----------------------------

    def trend_chart(self):
        return charts.trend_chart([row.labels[0] for row in self.trend.rows],
                                  [yuan_decimal(row.figures.net_fen) for row in self.trend.rows],
                                  title=_("Net commission by month (yuan)"), count_label=_("Net commission"))

    def product_shares(self) -> list[tuple[str, Decimal]]:
        rows = sorted(self.products.rows, key=lambda r: -r.figures.gross_fen)
        return [(row.labels[0], yuan_decimal(max(row.figures.gross_fen, 0))) for row in rows]

    def product_chart(self):
        return charts.share_chart(self.product_shares(), title=_("Share of gross commission by product"))

    def station_ranking(self) -> list[tuple[int | None, CommissionRow]]:
        return rank_by(self.stations.rows, key=lambda row: row.figures.net_fen)

    def station_chart(self):
        rows = [(row.labels[0], yuan_decimal(row.figures.net_fen)) for _rank, row in self.station_ranking()[:RANKED]]
        return charts.bar_chart(rows, title=_("Stations ranked by net commission (yuan)"), unit="")

    # --- files ---------------------------------------------------------------------------------------

    def sheets(self) -> list[Sheet]:
        every = self.headings(every=True)
        widths = [24, *[14] * len(every)]

        def sheet(title, heading, table: CommissionTable, footer=True):
            return Sheet(title=title, headers=[heading, *self._headings(table)], widths=widths,
                         rows=[[row.labels[0], *figure_values(row.figures, with_statements=table.has_statements,
                                                              every=True)] for row in table.rows],
                         footer=[_("Total"), *figure_values(table.total, with_statements=table.has_statements,
                                                            every=True)] if footer else None)

        return [
            sheet(_("Commission by %(group)s") % {"group": self.group_label}, self.group_label, self.table),
            sheet(_("By month"), _("Month"), self.trend),
            sheet(_("By product"), _("Product"), self.products),
            sheet(_("By station"), _("Station"), self.stations),
            about_sheet(date_from=self.params.date_from, date_to=self.params.date_to,
                        filter_labels=self.filter_labels, definitions=DEFINITIONS),
        ]

    @staticmethod
    def _headings(table: CommissionTable) -> list[str]:
        return [str(label) for _name, label, _kind, _shown in _columns(table.has_statements)]


DEFINITIONS = gettext_lazy(
    "Journals posted in the period (Beijing time), as the monthly statements count them; a reversal is "
    "clawed back in the month it is posted. Volume counts bill payments and provider services (a store "
    "order's value is in the store's report). Net = gross − clawbacks − tax withheld. The four shares add "
    "up to gross − clawbacks; tax is withheld from the operator's share. Statements are those of the "
    "months the period touches. Amounts in yuan.")


def commission_report(*, scope: ReportScope, params: CommissionParams, filter_labels: list[str] = (),
                      groups: tuple[str, ...] | None = None, source: str = "rollups") -> CommissionReport:
    """The table by the chosen grouping, the monthly trend, the share by product and the station
    ranking, under the same filters: a fixed number of queries (about ten), whatever the number of
    transactions, read from agency's commission rollups (`source="ledger"`: from the raw rows, for the
    benchmark's baseline and the checks that both agree)."""
    township = (Region.objects.filter(pk=params.township, level=Region.Level.TOWNSHIP).first()
                if params.township else None)
    filters = CommissionFilters(township=township, station_id=params.station, provider_id=params.provider,
                                product_id=params.product)
    if params.township and township is None:
        filters = replace(filters, station_id=-1)  # a township that does not exist narrows to nothing
    common = {"scope": scope, "period": params.period, "filters": filters, "source": source}

    def by(group: str, table: CommissionTable | None = None) -> CommissionTable:
        return table if params.group == group and table is not None else commission_table(dimensions=(group,),
                                                                                        **common)

    table = commission_table(dimensions=(params.group,), **common)
    return CommissionReport(params=params, table=table, trend=by("month", table), products=by("product", table),
                            stations=by("station", table), filter_labels=list(filter_labels),
                            groups=tuple(groups or (name for name, _label in GROUP_CHOICES)))
