"""Reads for the care figures (reports reads these) and the map of open calls, narrowed by the scope."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _

from care import figures
from care.models import CareCall
from care.selectors import calls
from core.timeutil import end_of_day, start_of_day
from stations.models import Region
from stations.scope import scope_for
from stations.selectors_map import map_payload, townships_under

DIMENSIONS = ("village", "responder", "service")
URGENT, ROUTINE = "suspended", "building"  # the map's red and amber markers (stations/_map.html)


def care_call_rows(*, user, date_from: date, date_to: date, dimension: str) -> list[figures.CallRow]:
    """The calls taken in [date_from, date_to] the user may see, keyed by `dimension` (one query)."""
    rows = calls(user=user).filter(created_at__gte=start_of_day(date_from), created_at__lte=end_of_day(date_to))
    services = dict(CareCall._meta.get_field("service").choices)
    result = []
    for status, created_at, arrived_at, rating, service, village, responder in rows.values_list(
            "status", "created_at", "arrived_at", "rating", "service", "village__name", "responder__name"):
        key = {"village": village, "responder": responder or "—"}.get(dimension) or str(services.get(service, service))
        result.append(figures.CallRow(key, status, created_at, arrived_at, rating))
    return result


def open_calls_map(*, user) -> tuple[dict, list[CareCall]]:
    """The open calls the user may see on the county map (stations/_map.html's payload: each call at its
    resident's station, urgent ones as the map's red markers, routine ones as its amber ones, the popup
    naming the call's status), and the calls themselves for the list beside it."""
    rows = list(calls(user=user).filter(status__in=CareCall.OPEN_STATUSES).select_related(
        "resident__household__grid__station")[:500])
    points = []
    for call in rows:
        station = call.resident.household.grid.station
        points.append({"code": call.reference, "name": f"{call.reference} · {call.get_service_display()}",
                       "status": URGENT if call.is_urgent else ROUTINE, "latitude": station.latitude,
                       "longitude": station.longitude, "url": reverse("care:call-detail", args=[call.pk])})
    paths = scope_for(user).care_paths()
    region = Region.objects.filter(path__in=paths).order_by("depth", "path").first() if paths else None
    payload = map_payload(mode="status", townships=townships_under(region) if region else [], points=points)
    labels = {call.reference: str(call.get_status_display()) for call in rows}
    for point in payload["points"]:
        point["status_label"] = labels[point["code"]]
    payload["legend"] = [(URGENT, str(_("Urgent")), sum(p["status"] == URGENT for p in points)),
                         (ROUTINE, str(_("Routine")), sum(p["status"] == ROUTINE for p in points))]
    return payload, rows
