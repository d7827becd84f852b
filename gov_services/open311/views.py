"""GeoReport v2 under /open311/v2/ (the README's Open311 section has a curl line for each):

    GET  discovery.{json,xml}              the endpoint, its formats and its key service
    GET  services.{fmt}                    the county's services (appeal categories, online catalogue items)
    GET  services/{service_code}.{fmt}     a service's definition: its attributes, from the item's e-form
    POST requests.{fmt}                    file a request (api_key required: a channel's key)
    GET  requests.{fmt}                    search: service_request_id, service_code, status, start/end_date
    GET  requests/{service_request_id}.{fmt}
    GET  tokens/{token}.{fmt}              the id of a request accepted by token (batch)

Views parse input, check the key and its scope, call one selector or service, render. Every refusal is
the standard's error list with its HTTP status; excess calls get 429 in the same form.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from accounts.services import api_key_lookup
from gov_services.channels.models import ChannelKey
from gov_services.identifiers import normalise_tracking_code
from gov_services.models import RequestEvent, ServiceRequest
from gov_services.open311 import formats
from gov_services.open311.catalogue import APPEAL_PREFIX, open311_services, service_definition
from gov_services.open311.errors import Open311Error
from gov_services.open311.params import parse_post
from gov_services.open311.selectors import (
    jurisdiction_by_code,
    only_jurisdiction,
    open311_requests_search,
    open311_requests_visible,
    token_by_id,
)
from gov_services.open311.services import open311_request_file, open311_token_accept, service_or_404
from gov_services.open311.statuses import CLOSED, OPEN, open311_status, statuses_for

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-06T00:00:00+08:00"  # when this endpoint's behaviour last changed
DEFAULT_WINDOW = timedelta(days=90)


class Call:
    """What every view gets: the format, the county, and the caller's channel key (if any)."""

    def __init__(self, request, fmt: str):
        self.request, self.fmt = request, fmt
        self.api_key = None
        self.channel = None
        self.county = None


def _response(body: bytes, fmt: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type=formats.CONTENT_TYPES[fmt])


def _error(fmt: str, error: Open311Error) -> HttpResponse:
    return _response(formats.errors_body(error.errors, fmt), fmt, error.status)


def _param(request, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or request.GET.get(name) or "").strip()


def _authenticate(call: Call) -> None:
    raw = _param(call.request, "api_key")
    if not raw:
        return
    api_key = api_key_lookup(key=raw)
    if api_key is None:
        raise Open311Error(403, _("api_key was not valid."))
    scope = ChannelKey.objects.select_related("channel__jurisdiction").filter(api_key=api_key).first()
    if scope is None or not scope.channel.is_active:
        raise Open311Error(403, _("api_key belongs to no active channel; ask the county for a channel key."))
    call.api_key, call.channel = api_key, scope.channel


def _rate_limited(call: Call) -> bool:
    if call.channel is not None:
        prefix = call.api_key.prefix
        return is_ratelimited(call.request, group="gov_services.open311.key", rate=call.channel.rate_limit,
                              key=lambda _group, _request: prefix, increment=True)
    return is_ratelimited(call.request, group="gov_services.open311.ip", key="ip",
                          rate=settings.OPEN311_ANONYMOUS_RATE, increment=True)


def _jurisdiction(call: Call) -> None:
    code = _param(call.request, "jurisdiction_id")
    if code:
        county = jurisdiction_by_code(code)
        if county is None:
            raise Open311Error(404, _("jurisdiction_id %(id)s was not found.") % {"id": code})
    else:
        county = call.channel.jurisdiction if call.channel is not None else only_jurisdiction()
        if county is None:
            raise Open311Error(400, _("jurisdiction_id was not provided (this endpoint serves several counties)."))
    if call.channel is not None and call.channel.jurisdiction_id != county.pk:
        raise Open311Error(403, _("api_key is not valid for jurisdiction %(id)s.") % {"id": county.code})
    call.county = county


def open311(*, methods: tuple[str, ...] = ("GET",), needs_key: bool = False, jurisdiction: bool = True):
    def decorate(handler: Callable) -> Callable:
        @csrf_exempt
        @wraps(handler)
        def view(request, fmt: str, **kwargs):
            call = Call(request, fmt)
            try:
                if request.method not in methods:
                    raise Open311Error(405, _("Method %(method)s is not allowed here.") % {"method": request.method})
                _authenticate(call)
                if _rate_limited(call):
                    raise Open311Error(429, _("Too many requests: slow down and try again in a minute."))
                if needs_key and call.channel is None:
                    raise Open311Error(403, _("api_key is required to file a request."))
                if jurisdiction:
                    _jurisdiction(call)
                status, data, root = handler(call, **kwargs)
            except Open311Error as error:
                return _error(fmt, error)
            return _response(formats.render(data, fmt, root=root), fmt, status)
        return view
    return decorate


# --- discovery and services ------------------------------------------------------------------------------------

@open311(jurisdiction=False)
def discovery(call: Call):
    base = call.request.build_absolute_uri("/open311/v2/")
    return 200, {"changeset": CHANGESET, "contact": settings.OPEN311_CONTACT,
                 "key_service": _("API keys are issued by the county to channels (systems that file requests)."),
                 "endpoints": [{"specification": SPECIFICATION, "url": base, "changeset": CHANGESET,
                                "type": "production", "formats": ["text/xml", "application/json"]}]}, "discovery"


@open311()
def service_list(call: Call):
    kind = settings.OPEN311_REQUEST_TYPE
    return 200, [{"service_code": s.code, "service_name": s.name, "description": s.description, "metadata": True,
                  "type": kind, "keywords": s.keywords, "group": s.group}
                 for s in open311_services(county=call.county)], "services"


@open311()
def service_definition_detail(call: Call, service_code: str):
    return 200, service_definition(service_or_404(county=call.county, code=service_code)), "service_definition"


# --- requests --------------------------------------------------------------------------------------------------

@open311(methods=("GET", "POST"))
def requests_collection(call: Call):
    if call.request.method == "POST":
        return _post_request(call)
    return _search(call)


def _post_request(call: Call):
    if call.channel is None:
        raise Open311Error(403, _("api_key is required to file a request."))
    params = parse_post(call.request.POST, idempotency_key=call.request.headers.get("Idempotency-Key", ""))
    media = call.request.FILES.get("media")
    if settings.OPEN311_REQUEST_TYPE == "batch":
        token = open311_token_accept(api_key=call.api_key, channel=call.channel, params=params, media=media)
        return 200, [{"token": token.token, "service_notice": "", "account_id": None}], "service_requests"
    filed = open311_request_file(api_key=call.api_key, channel=call.channel, params=params, media=media)
    return 200, [{"service_request_id": filed.tracking_code, "service_notice": _service_notice(filed),
                  "account_id": None}], "service_requests"


def _service_notice(request: ServiceRequest) -> str:
    return _("Received by %(department)s. Track it with code %(code)s.") % {
        "department": request.department.name, "code": request.tracking_code}


def _when(value: str, name: str, *, end: bool = False):
    if not value:
        return None
    moment = parse_datetime(value)
    if moment is None and (day := parse_date(value)) is not None:
        moment = timezone.datetime.combine(day, timezone.datetime.max.time() if end else timezone.datetime.min.time())
    if moment is None:
        raise Open311Error(400, _("%(name)s must be an ISO 8601 date-time, e.g. 2026-12-01T08:00:00+08:00.")
                           % {"name": name})
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _codes(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _search(call: Call):
    get = call.request.GET
    ids = _codes(get.get("service_request_id", ""))
    statuses = None
    wanted = {s.lower() for s in _codes(get.get("status", ""))}
    if wanted - {OPEN, CLOSED}:
        raise Open311Error(400, _("status may be open, closed, or both (comma separated)."))
    if len(wanted) == 1:
        statuses = statuses_for(wanted.pop())
    start, end = _when(get.get("start_date", ""), "start_date"), _when(get.get("end_date", ""), "end_date", end=True)
    if start and end and start > end:
        raise Open311Error(400, _("start_date is after end_date."))
    if start and end and end - start > DEFAULT_WINDOW:
        raise Open311Error(400, _("start_date and end_date may span at most 90 days."))
    if not ids and start is None and end is None:
        start = timezone.now() - DEFAULT_WINDOW
    codes = _codes(get.get("service_code", ""))
    found = open311_requests_search(
        requests=_annotated(open311_requests_visible(county=call.county, channel=call.channel)), ids=ids,
        appeal_categories=[c[len(APPEAL_PREFIX):] for c in codes if c.startswith(APPEAL_PREFIX)],
        item_codes=[c for c in codes if not c.startswith(APPEAL_PREFIX)], statuses=statuses, start=start, end=end)
    return 200, [request_row(r) for r in found], "service_requests"


@open311()
def request_detail(call: Call, service_request_id: str):
    try:
        code = normalise_tracking_code(service_request_id)
    except ValidationError:
        code = ""
    found = _annotated(open311_requests_visible(county=call.county, channel=call.channel)).filter(
        tracking_code=code).first() if code else None
    if found is None:
        raise Open311Error(404, _("service_request_id %(id)s was not found.") % {"id": service_request_id})
    return 200, [request_row(found)], "service_requests"


@open311()
def token_detail(call: Call, token: str):
    found = token_by_id(county=call.county, token=token)
    if found is None:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token})
    row = {"service_request_id": found.request.tracking_code if found.request_id else None, "token": found.token}
    if found.status == found.Status.FAILED:  # not in the standard: why the request was not filed
        row["token_status"] = found.status
        row["errors"] = [{"code": code, "description": text} for code, text in found.errors.get("errors", [])]
    return 200, [row], "service_requests"


def _annotated(requests):
    latest = RequestEvent.objects.filter(request=OuterRef("pk")).order_by("-at", "-pk")
    public = latest.filter(internal=False).exclude(note="")
    return requests.annotate(updated_at=Subquery(latest.values("at")[:1]),
                             public_note=Subquery(public.values("note")[:1]))


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def request_row(request: ServiceRequest) -> dict:
    """The standard's fields (no personal data: never who reported it), then our detailed status."""
    link = getattr(request, "channel_link", None)  # None: no channel filed it (select_related gives None)
    if request.item_id:
        code, name = request.item.code, request.item.name
    else:
        code = f"{APPEAL_PREFIX}{request.appeal_category}"
        name = str(ServiceRequest.AppealCategory(request.appeal_category).label)
    village = request.village
    return {
        "service_request_id": request.tracking_code,
        "status": open311_status(request.status),
        "status_notes": getattr(request, "public_note", "") or "",
        "service_name": name,
        "service_code": code,
        "description": request.description,
        "agency_responsible": request.department.name,
        "service_notice": "",
        "requested_datetime": _iso(request.submitted_at),
        "updated_datetime": _iso(getattr(request, "updated_at", None) or request.submitted_at),
        "expected_datetime": _iso(request.due_at),
        "address": " ".join(part for part in (village.name if village else "", request.place) if part),
        "address_id": village.code if village else "",
        "zipcode": None,
        "lat": str(request.latitude) if request.latitude is not None else None,
        "long": str(request.longitude) if request.longitude is not None else None,
        "media_url": link.media_url if link is not None else "",
        "detailed_status": request.status,
        "detailed_status_label": str(request.get_status_display()),
    }
