"""Reads for residents' reports shown publicly (the resident said yes when reporting): the public list,
map and page, and the "reported nearby already" suggestions. Nothing here carries personal data: rows
are built from the problem's fields (category, words, village, point, status, dates) and the
department's public replies, never the applicant's name, phone, ID number, account or tracking code. A
report's public timeline is request_display.timeline_rows(report, audience=PUBLIC)."""

from datetime import timedelta
from decimal import Decimal
from typing import Final

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gov_services.models import Attachment, RequestFollower, ServiceRequest
from gov_services.requests.workflow import OPEN_STATUSES
from stations.geo import degrees_box, distance_m
from stations.models import Region
from stations.selectors import places_by_township
from stations.selectors_map import STATUS, map_payload

Status = ServiceRequest.Status

NEARBY_RADIUS_M: Final = 300      # "the same lamp": a street's length in a village
NEARBY_DAYS: Final = 30
NEARBY_LIMIT: Final = 5
DONE_STATUSES: Final = frozenset({Status.COMPLETED, Status.RATED, Status.CLOSED})
# How the public reads a status: in progress, done, or not taken up (not accepted, or left unsupplemented).
PUBLIC_STATE = {**{s: "open" for s in OPEN_STATUSES}, **{s: "done" for s in DONE_STATUSES},
                Status.REJECTED: "declined"}
PUBLIC_IMAGE_TYPES: Final = ("image/jpeg", "image/png")


def public_state_label(state: str) -> str:
    return str({"open": _("Being handled"), "done": _("Dealt with"), "declined": _("Not taken up")}[state])


def public_reports(*, state: str = "", category: str = "") -> QuerySet[ServiceRequest]:
    """Appeals the resident let be shown publicly, newest first; `state` "open" | "done" | "declined"."""
    reports = (ServiceRequest.objects.filter(kind=ServiceRequest.Kind.APPEAL, is_public=True)
               .select_related("village", "department").order_by("-submitted_at", "-pk"))
    if state:
        reports = reports.filter(status__in=[s for s, public in PUBLIC_STATE.items() if public == state])
    if category:
        reports = reports.filter(appeal_category=category)
    return reports


def access_public_report_by_id(*, report_id: int) -> ServiceRequest:
    """A report shown publicly, or 404 (a private request answers as one that does not exist)."""
    report = public_reports().filter(pk=report_id).first()
    if report is None:
        raise Http404(_("There is no such public report."))
    return report


def report_row(report: ServiceRequest, *, distance: float | None = None) -> dict:
    """What the public sees of one report: no name, phone, ID number, account or tracking code."""
    state = PUBLIC_STATE.get(report.status, "declined")
    return {
        "pk": report.pk,
        "title": report.subject or report.get_appeal_category_display(),
        "category": report.get_appeal_category_display(),
        "description": report.description,
        "village": report.village.name if report.village_id else "",
        "department": report.department.name,
        "submitted_at": report.submitted_at,
        "status_label": report.get_status_display(),
        "state": state,
        "state_label": public_state_label(state),
        "latitude": report.latitude,
        "longitude": report.longitude,
        "url": reverse("gov_services:report-detail", args=[report.pk]),
        "distance": round(distance) if distance is not None else None,
    }


def reports_nearby(*, category: str, latitude: Decimal, longitude: Decimal, radius_m: float = NEARBY_RADIUS_M,
                   days: int = NEARBY_DAYS, now=None) -> list[dict]:
    """Public reports of the same category within `radius_m` of the point, filed in the last `days` days
    and still being handled, nearest first (at most NEARBY_LIMIT). One query (a box, then the circle)."""
    now = now or timezone.now()
    box_lat, box_lng = (Decimal(f"{d:.6f}") for d in degrees_box(float(latitude), radius_m))
    rows = (public_reports(state="open", category=category)
            .filter(submitted_at__gte=now - timedelta(days=days),
                    latitude__range=(latitude - box_lat, latitude + box_lat),
                    longitude__range=(longitude - box_lng, longitude + box_lng)))
    found = []
    for report in rows:
        metres = distance_m(float(latitude), float(longitude), float(report.latitude), float(report.longitude))
        if metres <= radius_m:
            found.append((metres, report))
    found.sort(key=lambda pair: pair[0])
    return [report_row(report, distance=metres) for metres, report in found[:NEARBY_LIMIT]]


def public_report_photos(report: ServiceRequest) -> QuerySet[Attachment]:
    """The report's photos that the public may see: the pictures the reporter sent (re-drawn, no metadata)."""
    return (Attachment.objects.filter(request=report, content_type__in=PUBLIC_IMAGE_TYPES,
                                      uploaded_by_id=report.applicant_user_id)
            .exclude(uploaded_by__isnull=True).order_by("uploaded_at", "pk"))


def access_public_photo_by_id(*, attachment_id: int) -> Attachment:
    """A photo of a public report, or 404."""
    attachment = Attachment.objects.select_related("request").filter(pk=attachment_id).first()
    if attachment is None or not attachment.request.is_public or attachment.request.kind != ServiceRequest.Kind.APPEAL \
            or not public_report_photos(attachment.request).filter(pk=attachment.pk).exists():
        raise Http404(_("There is no such photo."))
    return attachment


def is_following(*, user, report: ServiceRequest) -> bool:
    return bool(user.is_authenticated and RequestFollower.objects.filter(request=report, user=user).exists())


def follower_count(report: ServiceRequest) -> int:
    return RequestFollower.objects.filter(request=report).count()


def reports_map(*, rows: list[dict], region: Region | None = None) -> dict:
    """The county map (stations/_map.html) with a marker per report: its colour and shape its public state."""
    townships = Region.objects.none() if region is None else Region.objects.filter(
        path__startswith=region.path, level=Region.Level.TOWNSHIP).order_by("code")
    payload = map_payload(mode=STATUS, townships=townships, points=[])
    placed = [r for r in rows if r["latitude"] is not None and r["longitude"] is not None]
    payload["points"] = [{"code": str(r["pk"]), "name": r["title"], "status": f"report-{r['state']}",
                          "status_label": f"{r['village']} · {r['state_label']}", "url": r["url"],
                          "lat": float(r["latitude"]), "lng": float(r["longitude"])} for r in placed]
    payload["legend"] = [(f"report-{state}", public_state_label(state), sum(r["state"] == state for r in rows))
                         for state in ("open", "done", "declined")]
    payload["unplaced"] = len(rows) - len(placed)
    return payload


def report_county(rows_region_paths: list[str]) -> Region | None:
    """The county most reports lie in (the map outlines its townships); None when there are none."""
    step = Region.steplen
    counts: dict[str, int] = {}
    for path in rows_region_paths:
        if len(path) >= step * 2:
            counts[path[: step * 2]] = counts.get(path[: step * 2], 0) + 1
    if not counts:
        return Region.objects.filter(level=Region.Level.COUNTY).order_by("path").first()
    return Region.objects.filter(path=max(counts, key=counts.get)).first()


def village_groups() -> list[tuple[str, list[tuple[int, str]]]]:
    """Every village and community, grouped by township, for the report form's list. Two queries."""
    return places_by_township(Region.objects.filter(level__in=(Region.Level.VILLAGE, Region.Level.COMMUNITY)))


def followed_reports(*, user) -> QuerySet[ServiceRequest]:
    """The public reports a resident follows (not their own)."""
    if not user.is_authenticated:
        return ServiceRequest.objects.none()
    return public_reports().filter(followers__user=user, followers__is_reporter=False)

