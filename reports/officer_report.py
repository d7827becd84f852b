"""Per-officer figures for department heads and admins (reports/selectors/officers.py): one object for the page
and its CSV/XLSX, so a download always matches the page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.spreadsheets import Sheet
from gov_services.models import StepKind
from reports.building import about_sheet
from reports.selectors.dimensions import Period
from reports.selectors.officers import STEP_KINDS, OfficerFigures, officer_figures
from reports.selectors.scope import ReportScope


@dataclass
class OfficerReport:
    period: Period
    rows: list[OfficerFigures]
    filter_labels: list[str] = field(default_factory=list)

    @staticmethod
    def headings() -> list[str]:
        return [_("Department"), _("Officer"), *[str(StepKind(kind).label) for kind in STEP_KINDS],
                _("Steps done"), _("Done on time"), _("On time (%)"), _("Median working days a step"),
                _("Rated"), _("Satisfied (%)")]

    @staticmethod
    def values(row: OfficerFigures) -> list:
        return [row.department, row.officer, *[row.steps.get(kind, 0) for kind in STEP_KINDS], row.done,
                row.on_time, row.on_time_rate, row.median_days, row.rated, row.satisfaction_rate]

    def table(self) -> list[list]:
        return [self.values(row) for row in self.rows]

    def sheets(self) -> list[Sheet]:
        return [Sheet(title=_("Officers"), headers=self.headings(), widths=[20, 14, *[9] * (len(STEP_KINDS) + 7)],
                      rows=self.table()),
                about_sheet(date_from=self.period.start, date_to=self.period.end, filter_labels=self.filter_labels,
                            definitions=_(
                                "Steps count in the period they were done, by whoever did them; on time = done by "
                                "the step's own deadline; median working days from the step's start to its end on "
                                "the county's calendar; ratings are the residents' ratings of the officer given in "
                                "the period, less those set aside on appeal."))]


def officer_report(*, scope: ReportScope, period: Period, department_id: int | None = None,
                   filter_labels=()) -> OfficerReport:
    return OfficerReport(period=period, rows=officer_figures(scope=scope, period=period, department_id=department_id),
                         filter_labels=list(filter_labels))
