"""Every request of a period, one row each, for the large export. No applicant's name, ID or phone:
the export is for counting and checking handling, not for contacting anyone (PIPL: least data)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from gov_services.models import ServiceRequest
from reports.selectors.dimensions import TOWNSHIP_PATH_LENGTH, Period, filter_q
from reports.selectors.scope import ReportScope
from stations.models import Region

ROW_FIELDS = ("tracking_code", "submitted_at", "kind", "item__name", "item__category", "appeal_category", "subject",
              "department__name", "station__name", "village__name", "village__path", "station__village__name",
              "station__village__path", "channel", "status", "accepted_at", "due_at", "completed_at",
              "rating__score")


def request_row_list(*, scope: ReportScope, period: Period, department_id: int | None = None,
                     township: Region | None = None, station_id: int | None = None) -> QuerySet:
    """The rows as dicts of ROW_FIELDS, oldest first. One query (stream it with .iterator())."""
    if scope.is_empty:
        return ServiceRequest.objects.none().values(*ROW_FIELDS)
    return (ServiceRequest.objects
            .filter(scope.request_q(), period.request_q(),
                    filter_q(department_id=department_id, township=township, station_id=station_id))
            .values(*ROW_FIELDS).order_by("submitted_at", "pk"))


def township_names() -> dict[str, str]:
    """Township path → name, to name each row's township without a join per row. One query."""
    return dict(Region.objects.filter(level=Region.Level.TOWNSHIP).values_list("path", "name"))


def township_of(row: dict, names: dict[str, str]) -> str:
    path = row["village__path"] or row["station__village__path"] or ""
    return names.get(path[:TOWNSHIP_PATH_LENGTH], "")


def iterate_rows(rows: QuerySet, chunk_size: int = 2000) -> Iterator[dict]:
    return rows.iterator(chunk_size=chunk_size)
