"""The request-analytics report (what residents ask for, where, the trend, the busiest stations, and
repeat requests): one object for the page and its XLSX, so the download matches the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.spreadsheets import Sheet
from reports import charts
from reports.gov_report import GovKpiParams
from reports.selectors.request_analytics import (
    CountRow,
    RepeatRow,
    repeat_requests,
    request_counts_by,
    village_map,
)
from reports.selectors.scope import ReportScope
from stations.models import Region

TOP = 10


@dataclass
class AnalyticsReport:
    params: GovKpiParams
    minimum: int
    categories: list[CountRow]
    items: list[CountRow]
    months: list[CountRow]
    villages: list[CountRow]
    stations: list[CountRow]
    repeats: list[RepeatRow]
    map_data: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(row.count for row in self.categories)

    def category_chart(self):
        return charts.share_chart([(r.label, r.count) for r in self.categories], title=_("Requests by category"))

    def item_chart(self):
        return charts.bar_chart([(r.label, r.count) for r in self.items[:TOP]], title=_("Most requested items"))

    def trend_chart(self):
        return charts.trend_chart([r.label for r in self.months], [r.count for r in self.months],
                                  title=_("Requests received by month"), count_label=pgettext("kpi", "Received"))

    def station_chart(self):
        return charts.bar_chart([(r.label, r.count) for r in self.stations[:TOP]], title=_("Busiest stations"))

    def map_chart(self):
        return charts.map_chart(self.map_data.get("outlines", []), self.map_data.get("points", []),
                                title=_("Requests by village"))

    def sheets(self) -> list[Sheet]:
        def counts(title, heading, rows):
            return Sheet(title=title, headers=[heading, _("Requests")], widths=[30, 12],
                         rows=[[r.label, r.count] for r in rows])

        return [
            counts(_("By category"), _("Category"), self.categories),
            counts(_("By item"), _("Service item"), self.items),
            counts(_("By month"), _("Month"), self.months),
            counts(_("By village"), _("Village"), self.villages),
            counts(_("By station"), _("Station"), self.stations),
            Sheet(title=_("Repeat requests"), widths=[20, 30, 10, 17, 17],
                  headers=[_("Village"), _("Topic"), _("Requests"), _("First request"), _("Latest request")],
                  rows=[[r.village, r.topic, r.count, r.first, r.last] for r in self.repeats]),
        ]


def analytics_report(*, scope: ReportScope, params: GovKpiParams, minimum: int = 3) -> AnalyticsReport:
    """Nine queries whatever the number of requests: the counts by category, item, month, village and
    station from one read of the requests (and their labels), the repeats, the map."""
    township = (Region.objects.filter(pk=params.township, level=Region.Level.TOWNSHIP).first()
                if params.township else None)
    filters = {"department_id": params.department, "station_id": params.station, "township": township}
    common = {"scope": scope, "period": params.period, **filters}
    counts = request_counts_by(by=("category", "item", "month", "village", "station"), **common)
    return AnalyticsReport(
        params=params, minimum=minimum,
        categories=counts["category"], items=counts["item"][:50], months=counts["month"],
        villages=counts["village"][:50], stations=counts["station"][:50],
        repeats=repeat_requests(minimum=minimum, **common),
        map_data=village_map(village_counts=counts["village"], **common),
    )
