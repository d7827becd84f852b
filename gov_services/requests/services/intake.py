"""Filing a request: every check first, then the request, its first event and its files, at once."""

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.idempotency import fingerprint as form_fingerprint
from core.idempotency import idempotency_conflict, insert_once
from gov_services.catalogue.eforms import apply_bindings, bound_fields, clean_form_data
from gov_services.catalogue.selectors import (
    PLACE_LEVELS,
    parent_item_refusal,
    service_item_available_at,
    village_committee_for,
)
from gov_services.identifiers import new_tracking_code, validate_id_number, validate_mobile
from gov_services.models import Attachment, RequestEvent, ServiceItem, ServiceRequest
from gov_services.notifications import notify_resident_of_submission
from gov_services.requests.services.access import require_signed_in, user_or_none
from gov_services.requests.services.consent import consent_code_check
from gov_services.requests.services.figures import request_figures_changed
from gov_services.requests.services.scans import CheckedFile, Upload, check_signature, check_upload
from gov_services.requests.services.steps import request_steps_create
from gov_services.requests.workflow import Action
from gov_services.selectors.routing import appeal_department_for
from stations.models import Region, Station
from stations.scope import scope_for

Status = ServiceRequest.Status
Channel = ServiceRequest.Channel

# Scans are required at the counter, where the operator holds the originals. Online and relayed
# requests may arrive without them; the department then returns the request for supplement (补正).
CHANNELS_REQUIRING_MATERIALS: Final = frozenset({Channel.COUNTER})
# E-form errors are reported under "form_data.<field name>" ("form_data" for the whole form), so that
# they stay apart from the request's own fields, which may share a name with an e-form field.
FORM_DATA_ERROR_PREFIX: Final = "form_data"
ATTACHMENTS: Final = "attachments"  # the key of scan problems: "attachments.<material id>" (attachment_key)


def attachment_key(material_id: int | str | None) -> str:
    """The error key of a scan: "attachments.<material id>", or "attachments.other" for other documents."""
    return f"{ATTACHMENTS}.{material_id}" if material_id not in (None, "") else f"{ATTACHMENTS}.other"


def check_uploads(uploads: Iterable[Upload], *, item: ServiceItem | None,
                  errors: dict[str, list[str]]) -> list[CheckedFile]:
    """The uploads that pass (see scans.py); the reasons for the others go to `errors`, keyed by the
    material each file was given for (`attachment_key`)."""
    uploads = list(uploads)
    if not uploads:
        return []
    checked = []
    material_ids = set(item.materials.values_list("pk", flat=True)) if item is not None else set()
    for upload in uploads:
        file, problem = check_upload(upload)
        if problem:
            errors.setdefault(attachment_key(getattr(upload, "material_id", None)), []).append(problem)
        elif file.material_id is not None and file.material_id not in material_ids:
            errors.setdefault(ATTACHMENTS, []).append(
                _("“%(name)s” is filed under a material this service does not ask for.") % {"name": file.name})
        else:
            checked.append(file)
    return checked


def clean_form_data_into(schema: list, data: dict, errors: dict[str, list[str]]) -> dict:
    """The e-form data cleaned by its schema; its errors go to `errors` under "form_data.<field>"."""
    try:
        return clean_form_data(schema, data)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            key = FORM_DATA_ERROR_PREFIX if name == "__all__" else f"{FORM_DATA_ERROR_PREFIX}.{name}"
            errors.setdefault(key, []).extend(messages)
        return {}


def attachments_create(request: ServiceRequest, files: Sequence[CheckedFile], *, actor) -> list[Attachment]:
    created = []
    for file in files:
        attachment = Attachment(request=request, material_id=file.material_id, original_name=file.name,
                                content_type=file.content_type, size=len(file.content), sha256=file.sha256,
                                uploaded_by=user_or_none(actor))
        # The file is stored under a random name: the name the resident gave never reaches the disk.
        attachment.file.save(f"{uuid.uuid4().hex}.{file.extension}", ContentFile(file.content), save=False)
        attachment.save()
        created.append(attachment)
    return created


@transaction.atomic
def service_request_submit(
    *,
    actor: User,
    idempotency_key: uuid.UUID,
    kind: str,
    item: ServiceItem | None = None,
    appeal_category: str = "",
    subject: str = "",
    description: str = "",
    place: str = "",
    applicant_name: str,
    applicant_id_number: str,
    applicant_phone: str,
    applicant_user: User | None = None,
    consent: str,
    channel: str,
    station: Station | None = None,
    village: Region | None = None,
    form_data: dict,
    attachments: Sequence[Upload] = (),
    signature: bytes | None = None,
    consent_code: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    is_public: bool = False,
    self_reported: bool = False,
) -> ServiceRequest:
    """File an application (kind=application, for `item`) or an appeal (kind=appeal, with a category).

    Everything is checked before anything is written. A ValidationError maps each field to its
    messages (e-form fields under "form_data.<name>") and leaves no row and no file behind.
    Sending the same form again (same `idempotency_key`, same content) returns the first request;
    the same key with different content is refused. `village` defaults to the station's village.
    Consent by SMS code needs `consent_code`, checked last (a code is used up when it is accepted).
    `form_data` is for applications (checked against the item's e-form); appeals keep none.
    `latitude`/`longitude` (WGS-84, both or neither) mark where the problem is; `is_public` says the
    resident lets the problem (never who reported it) be shown on the public list and map. A resident
    reporting a problem for themselves online (an appeal, channel web, their own phone-verified account)
    may leave the ID number out: their account is who they are to the department. So may a resident who
    writes an appeal to the county's WeChat official account (`self_reported`, channel wechat): their own
    message is their consent, and their WeChat identity and phone are who they are.
    """
    require_signed_in(actor)
    if item is not None and kind == ServiceRequest.Kind.APPLICATION:
        # E-form fields bound to the applicant (eforms.BINDINGS) take the applicant's values, whatever was sent.
        form_data = apply_bindings(item.form_schema, form_data, applicant={
            "applicant_name": applicant_name, "applicant_id_number": applicant_id_number,
            "applicant_phone": applicant_phone})
    files_errors: dict[str, list[str]] = {}
    checked_files = check_uploads(attachments, item=item, errors=files_errors)
    fingerprint = form_fingerprint(
        actor=actor.pk, kind=kind, item=getattr(item, "pk", None), appeal_category=appeal_category,
        subject=subject.strip(), description=description.strip(), place=place.strip(),
        applicant_name=applicant_name.strip(), applicant_id_number=applicant_id_number.strip().upper(),
        applicant_phone=applicant_phone.strip(), applicant_user=getattr(applicant_user, "pk", None),
        consent=consent, channel=channel, station=getattr(station, "pk", None), village=getattr(village, "pk", None),
        form_data=form_data, attachments=sorted((f.sha256, f.material_id or 0) for f in checked_files),
        signature=hashlib.sha256(signature).hexdigest() if signature else None,
        # Only when given, so that the fingerprints of forms without a point stay what they were.
        **({"point": [str(latitude), str(longitude)]} if latitude is not None or longitude is not None else {}),
        **({"is_public": True} if is_public else {}),
    )
    existing = ServiceRequest.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replay(existing, fingerprint)

    errors: dict[str, list[str]] = {}
    if village is None and station is not None:
        village = station.village
    _check_filer(actor=actor, channel=channel, station=station, village=village, errors=errors)
    errors.update(files_errors)
    cleaned = _check_fields(
        kind=kind, item=item, appeal_category=appeal_category, description=description,
        applicant_name=applicant_name, applicant_id_number=applicant_id_number, applicant_phone=applicant_phone,
        applicant_user=applicant_user, actor=actor, consent=consent, channel=channel, village=village,
        place=station.village if station is not None else village, form_data=form_data, signature=signature,
        self_reported=self_reported, errors=errors)
    _check_point(latitude, longitude, errors)
    committee = _village_committee(kind=kind, item=item, village=village, errors=errors)
    if item is not None:  # a bound field's problem is the applicant field's, said once there
        for name, bind in bound_fields(item.form_schema).items():
            if bind in errors:
                errors.pop(f"{FORM_DATA_ERROR_PREFIX}.{name}", None)
    if item is not None and channel in CHANNELS_REQUIRING_MATERIALS:
        covered = {f.material_id for f in checked_files}
        for material in item.materials.filter(required=True):
            if material.pk not in covered:
                errors.setdefault(attachment_key(material.pk), []).append(
                    _("Attach a scan of: %(material)s.") % {"material": material})
    if errors:
        raise ValidationError(errors)
    if consent == ServiceRequest.Consent.SMS_CODE:
        try:
            consent_code_check(phone=cleaned["applicant_phone"], idempotency_key=idempotency_key, code=consent_code)
        except ValidationError as error:
            raise ValidationError({"consent_code": error.error_list}) from None  # codes kept: wrong or expired

    if kind == ServiceRequest.Kind.APPLICATION:
        department = committee or item.department
    else:
        county = _county_of(village)
        if county is None:
            raise ValidationError({"village": _("%(village)s lies in no county.") % {"village": village.name}})
        department = appeal_department_for(county=county, category=appeal_category, village=village,
                                           text=f"{subject}\n{description}")
    self_filed = applicant_user is not None and applicant_user.pk == actor.pk
    request = ServiceRequest(
        idempotency_key=idempotency_key, kind=kind, item=item,
        appeal_category=appeal_category if kind == ServiceRequest.Kind.APPEAL else "",
        subject=subject.strip(), description=description.strip(), place=place.strip(),
        applicant_name=applicant_name.strip(), applicant_id_number=cleaned["applicant_id_number"],
        applicant_phone=cleaned["applicant_phone"], applicant_user=applicant_user,
        filed_by=None if self_filed else actor, consent=consent, channel=channel, station=station,
        village=village, form_data=cleaned["form_data"], status=Status.SUBMITTED, department=department,
        latitude=latitude, longitude=longitude, is_public=bool(is_public),
    )
    winner = insert_once(request, code="tracking_code", new_code=new_tracking_code)
    if winner is not None:
        return _replay(winner, fingerprint)
    if signature:
        request.signature.save(f"{uuid.uuid4().hex}.png", ContentFile(signature), save=False)
        request.save(update_fields=["signature"])
    # No AuditEvent: this RequestEvent, and the ones every move appends, are the request's audit trail.
    RequestEvent.objects.create(request=request, actor=actor, action=Action.SUBMIT, to_status=Status.SUBMITTED,
                                data={"fingerprint": fingerprint, "channel": channel})
    request_steps_create(request)  # the item's steps, acceptance's clock running from now
    attachments_create(request, checked_files, actor=actor)
    request_figures_changed(request_ids=[request.pk])  # the report rollups count it now
    notify_resident_of_submission(service_request=request)  # the outbox row now, the SMS after commit
    return request


def _village_committee(*, kind: str, item: ServiceItem | None, village: Region | None,
                       errors: dict[str, list[str]]):
    """The committee of the applicant's village, for an item its village committee issues (村委会证明)."""
    if kind != ServiceRequest.Kind.APPLICATION or item is None or not item.issued_by_village_committee \
            or village is None:
        return None
    committee = village_committee_for(village=village)
    if committee is None:
        errors.setdefault("village", []).append(
            _("%(village)s has no village committee set up to issue “%(item)s”: ask the county to add it.")
            % {"village": village.name, "item": item.name})
    return committee


def _replay(existing: ServiceRequest, fingerprint: str) -> ServiceRequest:
    first = existing.events.filter(action=Action.SUBMIT).order_by("at", "pk").first()
    if first is None or first.data.get("fingerprint") != fingerprint:
        raise idempotency_conflict(
            _("This form was already sent with different content. Reload the page to file a new request."))
    return existing


def _county_of(village: Region) -> Region | None:
    step = Region.steplen
    prefixes = [village.path[:end] for end in range(step, len(village.path) + 1, step)]
    return Region.objects.filter(level=Region.Level.COUNTY, path__in=prefixes).first()


def _check_filer(*, actor, channel: str, station: Station | None, village: Region | None,
                 errors: dict[str, list[str]]) -> None:
    """Refuse (PermissionDenied) someone who may not file this request; a missing station goes to `errors`."""
    if channel in (Channel.COUNTER, Channel.LIAISON) and station is None:
        errors.setdefault("station", []).append(_("A request filed at a station needs the station."))
    # Online, residents file for themselves (_check_fields); a missing village is an error there.
    if scope_for(actor).can_file(station_id=station.pk if station else None,
                                 village_path=village.path if village else None, online=channel == Channel.WEB):
        return
    if station is not None:
        raise PermissionDenied(_("You may only file requests for your own station."))
    raise PermissionDenied(_("You may not file requests for %(village)s.") % {"village": village.name})


def _check_fields(*, kind, item, appeal_category, description, applicant_name, applicant_id_number,
                  applicant_phone, applicant_user, actor, consent, channel, village, place, form_data, signature,
                  errors: dict[str, list[str]], self_reported: bool = False) -> dict:
    """Add every problem to `errors`; return the normalised ID number, phone and e-form data.

    `place` is where the request is filed: the station's village at a counter, else the village. An
    item is filed only where it is available (catalogue.selectors.service_items_available_at): the
    counter's search, the online form and this check ask the same rule. An item with active sub-items is
    never filed itself: one of its sub-items is (catalogue.selectors.parent_item_refusal)."""
    cleaned: dict = {"form_data": {}}

    def add(field: str, message) -> None:
        errors.setdefault(field, []).append(str(message))

    if kind == ServiceRequest.Kind.APPLICATION:
        if item is None or not item.is_active:
            add("item", _("Choose a service from the catalogue."))
        elif refusal := parent_item_refusal(item=item):
            add("item", refusal)
        elif channel == Channel.WEB and not item.online_allowed:
            add("item", _("%(item)s cannot be applied for online; please go to your village station.")
                % {"item": item.name})
        elif place is not None and place.level in PLACE_LEVELS and not service_item_available_at(item=item,
                                                                                              place=place):
            add("item", _("%(item)s cannot be filed for %(place)s: it is handled by %(department)s, which does "
                          "not accept it from there.") % {"item": item.name, "place": place.name,
                                                          "department": item.department.name})
        else:
            cleaned["form_data"] = clean_form_data_into(item.form_schema, form_data, errors)
    elif kind == ServiceRequest.Kind.APPEAL:
        if item is not None:
            add("item", _("An appeal is described in words, not chosen from the catalogue."))
        if appeal_category not in ServiceRequest.AppealCategory.values:
            add("appeal_category", _("Choose what kind of appeal this is."))
        if not description.strip():
            add("description", _("Describe the problem or the request."))
    else:
        add("kind", _("Choose an application or an appeal."))
    if not applicant_name.strip():
        add("applicant_name", _("Enter the applicant's name."))
    wrote_in = self_reported and kind == ServiceRequest.Kind.APPEAL and channel == Channel.WECHAT
    for_self = wrote_in or (applicant_user is not None and applicant_user.pk == actor.pk)
    checks = [("applicant_phone", validate_mobile, applicant_phone)]
    if (kind == ServiceRequest.Kind.APPEAL and channel in (Channel.WEB, Channel.WECHAT) and for_self
            and not (applicant_id_number or "").strip()):
        cleaned["applicant_id_number"] = ""  # a resident's own report: their account identifies them
    else:
        checks.insert(0, ("applicant_id_number", validate_id_number, applicant_id_number))
    for field, validator, value in checks:
        try:
            cleaned[field] = validator(value)
        except ValidationError as error:
            for message in error.messages:
                add(field, message)
    if channel not in Channel.values:
        add("channel", _("Choose how the request came in."))
    if village is None:
        add("village", _("Choose the village the request concerns."))
    elif village.level not in (Region.Level.VILLAGE, Region.Level.COMMUNITY):
        add("village", _("Choose a village or community."))
    if channel == Channel.WEB and not for_self:
        add("applicant_user", _("Online, residents file requests for themselves only."))
    if consent not in ServiceRequest.Consent.values:
        add("consent", _("Record how the resident consented."))
    elif consent == ServiceRequest.Consent.SELF and not for_self:
        add("consent", _("A request filed on someone's behalf needs their consent: a signature, an SMS code "
                         "or a witness."))
    elif consent == ServiceRequest.Consent.SIGNATURE and not signature:
        add("signature", _("The resident must sign on the pad."))
    if signature:
        problem = check_signature(signature)
        if problem:
            add("signature", problem)
    return cleaned


def _check_point(latitude, longitude, errors: dict[str, list[str]]) -> None:
    """A point on the map is both coordinates or neither, each within the earth's range."""
    if latitude is None and longitude is None:
        return
    if latitude is None or longitude is None:
        errors.setdefault("latitude", []).append(_("Give both the latitude and the longitude, or neither."))
        return
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        errors.setdefault("latitude", []).append(_("This is not a position on the earth."))
