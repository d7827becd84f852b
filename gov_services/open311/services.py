"""Filing a GeoReport v2 request: the standard's parameters turned into our intake's, then the one intake
every channel uses (gov_services.requests.services.service_request_submit: checks, routing, the clock,
the request's events as its audit trail, the resident's SMS). Realtime, or later by token (batch)."""

import uuid
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiKey
from core.handoff import hand_off
from core.uploads import read_within
from gov_services.channels.models import Channel
from gov_services.channels.services import channel_request_link
from gov_services.models import ServiceRequest
from gov_services.open311.catalogue import (
    ID_NUMBER_CODE,
    PUBLIC_CODE,
    Service,
    form_data_from_attributes,
    open311_service,
)
from gov_services.open311.errors import Open311Error
from gov_services.open311.models import Open311Token
from gov_services.open311.params import Open311Params
from gov_services.open311.selectors import village_by_code, village_named_in, village_near
from gov_services.requests.services import MAX_ATTACHMENT_BYTES, service_request_submit
from stations.models import Region

IDEMPOTENCY_NAMESPACE = uuid.UUID("6f1d3c2e-9f0b-5b1e-9a57-311311311311")
# Our intake's field names as a GeoReport client knows them, for its error messages.
PARAMETER_OF = {"applicant_id_number": f"attribute[{ID_NUMBER_CODE}]", "applicant_phone": "phone",
                "applicant_name": "first_name", "description": "description", "village": "address_id",
                "item": "service_code", "appeal_category": "service_code", "kind": "service_code"}
TRUE_VALUES = frozenset({"true", "1", "yes", "on"})


def service_or_404(*, county: Region, code: str) -> Service:
    service = open311_service(county=county, code=code)
    if service is None:
        raise Open311Error(404, _("service_code %(code)s was not found in this jurisdiction.") % {"code": code})
    return service


def _village(*, county: Region, params: Open311Params) -> Region:
    if params.address_id:
        village = village_by_code(county=county, code=params.address_id)
        if village is None:
            raise Open311Error(400, _("address_id %(id)s is no village or community of this jurisdiction.")
                               % {"id": params.address_id})
        return village
    point = params.point()
    if point is not None:
        village = village_near(county=county, latitude=point[0], longitude=point[1])
        if village is None:
            raise Open311Error(400, _("lat/long lie near no village of this jurisdiction; send address_id (the "
                                      "village's division code) as well."))
        return village
    village = village_named_in(county=county, text=params.address_string)
    if village is None:
        raise Open311Error(400, _("address_string names no village of this jurisdiction; send address_id (the "
                                  "village's division code) or lat/long."))
    return village


def _error_lines(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    lines = []
    for field, messages in error.message_dict.items():
        if field.startswith("form_data."):
            name = f"attribute[{field.split('.', 1)[1]}]"
        elif field.startswith("attachments"):
            name = "media"
        else:
            name = PARAMETER_OF.get(field, field)
        lines += [f"{name}: {message}" for message in messages]
    return lines


def _idempotency_key(channel: Channel, params: Open311Params) -> uuid.UUID:
    if params.idempotency_key:
        return uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{channel.pk}:{params.idempotency_key}")
    return uuid.uuid4()


@transaction.atomic
def open311_request_file(*, api_key: ApiKey, channel: Channel, params: Open311Params, media=None) -> ServiceRequest:
    """File one request for `channel`, acting as the key's user (their posts decide where they may file).
    Open311Error (400/403/404) with every problem; nothing is written then."""
    county = channel.jurisdiction
    service = service_or_404(county=county, code=params.service_code)
    village = _village(county=county, params=params)
    form_data, unknown = form_data_from_attributes(service, params.attributes)
    problems = [_("attribute[%(code)s] is not asked by this service.") % {"code": code} for code in unknown]
    if params.media_url:
        try:
            URLValidator(schemes=["http", "https"])(params.media_url)
        except ValidationError:
            problems.append(_("media_url must be an http or https address."))
    if problems:
        raise Open311Error(400, *problems)
    point = params.point()
    public = service.item is None and (params.attributes.get(PUBLIC_CODE) or [""])[0].lower() in TRUE_VALUES
    try:
        request = service_request_submit(
            actor=api_key.user, idempotency_key=_idempotency_key(channel, params), kind=service.kind,
            item=service.item, appeal_category=service.appeal_category, description=params.description,
            place=params.address_string[:200], applicant_name=params.applicant_name,
            applicant_id_number=(params.attributes.get(ID_NUMBER_CODE) or [""])[0],
            applicant_phone=params.phone, consent=ServiceRequest.Consent.WITNESSED,
            channel=channel.intake_channel, village=village, form_data=form_data,
            attachments=[media] if media is not None else (), is_public=public,
            latitude=point[0] if point else None, longitude=point[1] if point else None)
    except PermissionDenied as denied:
        raise Open311Error(403, str(denied)) from None
    except ValidationError as error:
        raise Open311Error(400, *_error_lines(error)) from None
    if not hasattr(request, "channel_link"):
        channel_request_link(channel=channel, request=request, media_url=params.media_url)
    return request


# --- batch: a token now, the request later ---------------------------------------------------------------------

@transaction.atomic
def open311_token_accept(*, api_key: ApiKey, channel: Channel, params: Open311Params, media=None) -> Open311Token:
    """Keep the POST (and its file) under a new token and file it in a Celery task after commit. What the
    standard answers at once is checked now: the service must exist (404)."""
    service_or_404(county=channel.jurisdiction, code=params.service_code)
    token = Open311Token(channel=channel, api_key=api_key, params=params.as_json())
    if media is not None:
        content = read_within(media, limit=MAX_ATTACHMENT_BYTES)
        if content is None:
            raise Open311Error(400, _("media is larger than %(max)d MB.") % {
                "max": MAX_ATTACHMENT_BYTES // (1024 * 1024)})
        token.media_name = str(getattr(media, "name", "") or "media")[-200:]
        suffix = PurePath(token.media_name).suffix[:10]
        token.media.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(content), save=False)
    token.save()
    transaction.on_commit(lambda: _dispatch(token.pk))
    return token


def _dispatch(token_id: int) -> None:
    from gov_services.open311.tasks import open311_token_file

    # Broker down: the token stays pending for tasks.open311_tokens_redispatch.
    hand_off(open311_token_file, args=(token_id,), what=f"Open311 token {token_id}")


def open311_token_process(*, token_id: int) -> Open311Token:
    """File the request a token holds, once: filed (with its request) or failed (with the errors)."""
    with transaction.atomic():
        token = Open311Token.objects.select_for_update().select_related("api_key__user", "channel__jurisdiction") \
            .get(pk=token_id)
        if token.status != Open311Token.Status.PENDING:
            return token
        media = None
        if token.media:
            with token.media.open("rb") as stored:
                media = ContentFile(stored.read(), name=token.media_name)
        try:
            with transaction.atomic():
                token.request = open311_request_file(api_key=token.api_key, channel=token.channel,
                                                     params=Open311Params.from_json(token.params), media=media)
            token.status = Open311Token.Status.FILED
        except Open311Error as error:
            token.status, token.errors = Open311Token.Status.FAILED, {"errors": error.errors}
        token.filed_at = timezone.now()
        token.save(update_fields=["request", "status", "errors", "filed_at"])
    return token
