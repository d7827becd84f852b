"""The government-service KPI report: its parameters, what the page shows, and the same as sheets.

The page, the CSV/XLSX downloads and the PDF are all built from one `GovKpiReport`, so an export
always matches the page it was taken from.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from core.spreadsheets import Sheet
from reports import charts
from reports.building import about_sheet
from reports.drill import drill_query
from reports.kpis import RATE_NAMES, Kpis, rank_by
from reports.params import PeriodParams
from reports.selectors.dimensions import dimension
from reports.selectors.gov_kpis import KpiRow, KpiTable, kpi_table, kpi_tables
from reports.selectors.scope import ReportScope
from stations.models import Region

GROUP_CHOICES = [
    ("department", gettext_lazy("Department")),
    ("township", gettext_lazy("Township")),
    ("station", gettext_lazy("Station")),
    ("month", gettext_lazy("Month")),
]
RATE_LABELS = {
    "accepted_rate": gettext_lazy("Accepted rate"),
    "completion_rate": gettext_lazy("Completion rate"),
    "on_time_rate": gettext_lazy("On-time rate"),
    "rated_rate": gettext_lazy("Rated rate"),
    "satisfaction_rate": gettext_lazy("Satisfaction rate"),
}
# Where a row's link leads: the first of these levels the user may group by, with the row's value
# as a filter (an operator, who has no township or station choice, goes from a department to months).
NEXT_LEVELS = {"department": ("township", "station", "month"), "township": ("station", "month"),
               "month": ("department",)}

# (attribute of Kpis, heading, shown on the page) — the export carries every column.
COLUMNS = [
    ("received", pgettext_lazy("kpi", "Received"), True),
    ("accepted", gettext_lazy("Accepted"), False),
    ("accepted_rate", gettext_lazy("Accepted rate (%)"), True),
    ("completed", gettext_lazy("Completed"), False),
    ("completion_rate", gettext_lazy("Completion rate (%)"), True),
    ("completed_on_time", gettext_lazy("Completed on time"), False),
    ("on_time_rate", gettext_lazy("On-time rate (%)"), True),
    ("rated", gettext_lazy("Rated"), False),
    ("rated_rate", gettext_lazy("Rated rate (%)"), True),
    ("satisfied", gettext_lazy("Satisfied"), False),
    ("satisfaction_rate", gettext_lazy("Satisfaction rate (%)"), True),
    ("yellow_cards", gettext_lazy("Yellow cards issued"), True),
    ("red_cards", gettext_lazy("Red cards issued"), True),
    ("returns", gettext_lazy("Returns for supplement"), True),
    ("follow_ups", gettext_lazy("Follow-ups"), True),
    ("median_days_to_complete", gettext_lazy("Median working days to complete"), True),
]


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """This year so far."""
    return today.replace(month=1, day=1), today


@dataclass(frozen=True)
class GovKpiParams(PeriodParams):
    group: str = "department"
    rate: str = "completion_rate"
    department: int | None = None
    township: int | None = None
    station: int | None = None

    def __post_init__(self) -> None:
        if self.group not in dict(GROUP_CHOICES):
            raise ValueError(f"Unknown grouping {self.group!r}.")
        if self.rate not in RATE_NAMES:
            raise ValueError(f"Unknown rate {self.rate!r}.")



@dataclass
class GovKpiReport:
    params: GovKpiParams
    table: KpiTable
    trend: KpiTable
    township: Region | None = None
    filter_labels: list[str] = field(default_factory=list)
    link_requests: bool = True  # station rows link to the request list (admins only)
    groups: tuple[str, ...] = tuple(name for name, _label in GROUP_CHOICES)  # the groupings offered

    @property
    def total(self) -> Kpis:
        return self.table.total

    @property
    def group_label(self) -> str:
        return str(dimension(self.params.group).label)

    @property
    def rate_label(self) -> str:
        return str(RATE_LABELS[self.params.rate])

    def rows(self) -> list[dict]:
        """The table's rows with their values in COLUMNS order and the drill-down link."""
        return [{"label": row.labels[0], "values": _values(row.kpis), "url": self.drill_url(row), "kpis": row.kpis}
                for row in self.table.rows]

    @property
    def page_columns(self) -> list[str]:
        return page_columns()

    def trend_rows(self) -> list[dict]:
        return [{"label": row.labels[0], "values": _values(row.kpis)} for row in self.trend.rows]

    def total_values(self) -> list:
        return _values(self.total)

    def drill_url(self, row: KpiRow) -> str | None:
        value, group = row.drill[0], self.params.group
        if value is None:
            return None
        if group == "station":  # the bottom of the report: the requests themselves
            if not self.link_requests:
                return None
            return reverse("gov_services:county-request-list") + "?" + urlencode(
                {"station": value, "date_from": self.params.date_from.isoformat(),
                 "date_to": self.params.date_to.isoformat()})
        return drill_query(self.params.query, levels=NEXT_LEVELS, group=group, value=value, allowed=self.groups,
                           date_from=self.params.date_from, date_to=self.params.date_to)

    def trend_chart(self):
        months = [row.labels[0] for row in self.trend.rows]
        return charts.trend_chart(
            months, [row.kpis.received for row in self.trend.rows],
            [getattr(row.kpis, self.params.rate) for row in self.trend.rows],
            title=_("Requests received and %(rate)s by month") % {"rate": self.rate_label},
            count_label=pgettext("kpi", "Received"), rate_label=self.rate_label)

    def ranking(self) -> list[tuple[int | None, KpiRow]]:
        return rank_by(self.table.rows, key=lambda row: getattr(row.kpis, self.params.rate))

    def ranking_chart(self):
        rows = [(row.labels[0], getattr(row.kpis, self.params.rate)) for _rank, row in self.ranking()]
        return charts.bar_chart(rows, title=_("%(rate)s by %(group)s") % {"rate": self.rate_label,
                                                                          "group": self.group_label},
                                unit="%", max_value=100)

    def sheets(self) -> list[Sheet]:
        headers = [self.group_label, *[str(label) for _name, label, _shown in COLUMNS]]
        widths = [24, *[12] * len(COLUMNS)]
        main = Sheet(title=_("KPIs by %(group)s") % {"group": self.group_label}, headers=headers, widths=widths,
                     rows=[[row.labels[0], *_values(row.kpis, every=True)] for row in self.table.rows],
                     footer=[_("Total"), *_values(self.total, every=True)])
        trend = Sheet(title=_("KPIs by month"), headers=[_("Month"), *headers[1:]], widths=widths,
                      rows=[[row.labels[0], *_values(row.kpis, every=True)] for row in self.trend.rows])
        about = about_sheet(date_from=self.params.date_from, date_to=self.params.date_to,
                            filter_labels=self.filter_labels, width=60,
                            definitions=_("Every count is of the requests received in the period. Rates are "
                                          "percentages rounded half up to one decimal."))
        return [main, trend, about]


def _values(kpis: Kpis, *, every: bool = False) -> list:
    return [getattr(kpis, name) for name, _label, shown in COLUMNS if every or shown]


def page_columns() -> list[str]:
    return [str(label) for _name, label, shown in COLUMNS if shown]


def export_columns() -> list[str]:
    return [str(label) for _name, label, _shown in COLUMNS]


def gov_kpi_report(*, scope: ReportScope, params: GovKpiParams, filter_labels: list[str] = (),
                   link_requests: bool = True, groups: tuple[str, ...] | None = None) -> GovKpiReport:
    """The table by the chosen grouping and the monthly trend, under the same filters."""
    township = (Region.objects.filter(pk=params.township, level=Region.Level.TOWNSHIP).first()
                if params.township else None)
    filters = {"department_id": params.department, "station_id": params.station, "township": township}
    if params.township and township is None:
        filters["station_id"] = -1  # a township that does not exist narrows to nothing
    # The table and the monthly trend from the same three queries (the requests are read once).
    if params.group == "month":
        table = trend = kpi_table(scope=scope, period=params.period, dimensions=("month",), **filters)
    else:
        table, trend = kpi_tables(scope=scope, period=params.period, groupings=[(params.group,), ("month",)],
                                  **filters)
    return GovKpiReport(params=params, table=table, trend=trend, township=township,
                        filter_labels=list(filter_labels), link_requests=link_requests,
                        groups=tuple(groups or (name for name, _label in GROUP_CHOICES)))
