"""Filing and following requests from other systems (the county's WeChat account, the hotline's
software): POST /api/requests/ and GET /api/requests/{tracking_code}, with an API key
(`manage.py api_key create`). The key acts as its user, whose role and region decide what it may
file and see, exactly as on the screens; the same service checks everything."""

import uuid
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from accounts.services import api_key_authenticate
from core.api import ErrorOut, Text
from gov_services.identifiers import normalise_tracking_code
from gov_services.models import ServiceItem, ServiceRequest
from gov_services.requests.selectors.requests import request_timeline, service_request_list
from gov_services.requests.services import service_request_submit
from stations.models import Region

Channel = ServiceRequest.Channel


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request, token):
        user = api_key_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


router = Router(tags=["requests"], auth=ApiKeyAuth())


class RequestIn(Schema):
    idempotency_key: uuid.UUID
    kind: Literal["application", "appeal"]
    channel: Literal["api", "wechat", "phone"] = "api"
    village_code: Text
    item_code: Text = ""
    appeal_category: Text = ""
    subject: Text = ""
    description: Text = ""
    place: Text = ""
    applicant_name: Text
    applicant_id_number: Text
    applicant_phone: Text
    consent: Literal["witnessed"] = "witnessed"
    form_data: dict = {}


class EventOut(Schema):
    at: str
    action: str
    status: str


class RequestOut(Schema):
    tracking_code: str
    kind: str
    status: str
    status_label: str
    department: str
    due_at: str | None
    events: list[EventOut] = []


def _out(request: ServiceRequest, *, with_events: bool = False) -> dict:
    events = request_timeline(request=request, for_resident=True) if with_events else []
    return {
        "tracking_code": request.tracking_code, "kind": request.kind, "status": request.status,
        "status_label": str(request.get_status_display()), "department": request.department.name,
        "due_at": request.due_at.isoformat() if request.due_at else None,
        "events": [{"at": e.at.isoformat(), "action": e.action, "status": e.to_status} for e in events],
    }


@router.post("/requests/", response={201: RequestOut, 200: RequestOut, 403: ErrorOut, 409: ErrorOut,
                                      422: ErrorOut}, url_name="request-create")
def request_create(request, payload: RequestIn):
    """File an application or an appeal. Sending the same idempotency_key again returns the first
    request (200); the same key with other content is refused (409). Errors come in the language of
    the Accept-Language header (zh-hans by default), per field."""
    village = Region.objects.filter(code=payload.village_code).first()
    item = ServiceItem.objects.filter(code=payload.item_code).first() if payload.item_code else None
    if payload.item_code and item is None:
        return Status(422, {"message": _("Please correct the fields below."),
                     "errors": {"item_code": [_("No catalogue item has this code.")]}})
    existed = ServiceRequest.objects.filter(idempotency_key=payload.idempotency_key).exists()
    try:
        filed = service_request_submit(
            actor=request.user, idempotency_key=payload.idempotency_key, kind=payload.kind, item=item,
            appeal_category=payload.appeal_category, subject=payload.subject, description=payload.description,
            place=payload.place, applicant_name=payload.applicant_name,
            applicant_id_number=payload.applicant_id_number, applicant_phone=payload.applicant_phone,
            consent=payload.consent, channel=payload.channel, village=village, form_data=payload.form_data)
    except PermissionDenied as denied:
        return Status(403, {"message": str(denied)})
    except ValidationError as error:
        if getattr(error, "code", None) == "idempotency_conflict":
            return Status(409, {"message": " ".join(error.messages)})
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        if "village" in errors and village is None:
            errors = {**errors, "village": [_("No village or community has this code.")]}
        return Status(422, {"message": _("Please correct the fields below."), "errors": errors})
    return Status(200 if existed else 201, _out(filed))


@router.get("/requests/{tracking_code}", response={200: RequestOut, 404: ErrorOut}, url_name="request-detail")
def request_detail(request, tracking_code: Text):
    """A request the key's user may see, with its timeline as the resident sees it."""
    try:
        code = normalise_tracking_code(tracking_code)
    except ValidationError:
        code = ""
    found = service_request_list(user=request.user).filter(tracking_code=code).select_related("department").first()
    if found is None:
        return Status(404, {"message": _("No request with this tracking code that you may see.")})
    return Status(200, _out(found, with_events=True))
