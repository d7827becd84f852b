"""An application filed at the counter while the network was down, done when it syncs
(agency/offline_sync.py calls `application_sync`; config/offline.py declares it).

The browser kept the form as the online form would have posted it (applicant, consent, signature,
e-form fields "eform-…", scans "material-<id>"), so the same forms parse it and the same service files
it: `service_request_submit`, idempotent on the key the browser made when the operator captured it.
Conflicts: the item was withdrawn (or is no longer filed at this station) meanwhile; the household
register's record of the applicant changed after the capture and now says otherwise (unless the
operator confirmed the data as captured).
"""

from __future__ import annotations

import datetime
import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from agency.offline_sync import Conflict, Ok
from core.masking import mask_mobile, mask_name
from core.models import AuditEvent
from gov_services.catalogue.eforms import build_form
from gov_services.catalogue.selectors import parent_item_refusal, service_items_available_at
from gov_services.identifiers import format_tracking_code
from gov_services.models import ServiceItem, ServiceRequest
from gov_services.requests.forms_counter import ApplicationForm, ScanUploadForm
from gov_services.requests.services import service_request_submit
from stations.models import Household, HouseholdMember, Station
from stations.scope import scope_for

REGISTER_CHANGES = ("household.changed", "household.imported", "household.created")


def _form_errors(*forms) -> ValidationError:
    errors: dict[str, list[str]] = {}
    for form in forms:
        if form is None:
            continue
        for name, messages in form.errors.items():
            errors.setdefault(name if name != "__all__" else "form", []).extend(messages)
    return ValidationError(errors)


def resident_change(*, station: Station, id_number: str, name: str, phone: str,
                    since: datetime.datetime) -> dict | None:
    """What the household register of the station says otherwise about this ID number, when its
    household was changed after `since` (the capture): {"fields": [...], "register": {masked}}."""
    id_number = (id_number or "").strip().upper()
    if not id_number:
        return None
    members = list(HouseholdMember.objects.filter(id_number=id_number, household__grid__station=station)
                   .select_related("household"))
    if not members:
        return None
    changed_households = set(AuditEvent.objects.filter(
        action__in=REGISTER_CHANGES, at__gt=since, target_type=ContentType.objects.get_for_model(Household),
        target_id__in=[str(m.household_id) for m in members]).values_list("target_id", flat=True))
    for member in members:
        if str(member.household_id) not in changed_households:
            continue
        fields = []
        if member.name.strip() != (name or "").strip():
            fields.append("applicant_name")
        if member.phone and member.phone != (phone or "").strip():
            fields.append("applicant_phone")
        if fields:
            return {"fields": fields, "register": {"applicant_name": mask_name(member.name),
                                                    "applicant_phone": mask_mobile(member.phone)}}
    return None


def application_sync(*, actor, station: Station, key: uuid.UUID, data, files, captured_at: datetime.datetime,
                     confirm: bool) -> Ok | Conflict:
    """File the application the counter captured offline (once: the key is the request's key)."""
    try:
        item_id = int(data.get("item_id", ""))
    except ValueError:
        raise ValidationError({"item_id": [_("Choose a service from the catalogue.")]}) from None
    item = service_items_available_at(place=station.village).filter(pk=item_id).select_related(
        "department").first()
    if item is None or parent_item_refusal(item=item):
        name = ServiceItem.objects.filter(pk=item_id).values_list("name", flat=True).first() or ""
        return Conflict("item_withdrawn", _("“%(item)s” is no longer filed at this station: it was withdrawn or "
                                            "changed while the counter was offline.") % {"item": name},
                        {"item": name})
    materials = list(item.materials.all())
    fields = data.copy()
    fields["idempotency_key"] = str(key)
    form = ApplicationForm(fields)
    eform = build_form(item.form_schema, data=fields, prefix="eform") if item.form_schema else None
    scans = ScanUploadForm(fields, files, materials=materials)
    if not (form.is_valid() & scans.is_valid()):
        raise _form_errors(form, scans)
    service_fields = form.service_fields()
    if not confirm and not ServiceRequest.objects.filter(idempotency_key=key).exists():
        change = resident_change(station=station, id_number=service_fields["applicant_id_number"],
                                 name=service_fields["applicant_name"], phone=service_fields["applicant_phone"],
                                 since=captured_at)
        if change is not None:
            return Conflict("resident_changed", _(
                "The household register changed this resident's record while the counter was offline and now "
                "says otherwise. Check the name and mobile with the resident, then send again."), change)
    channel = ServiceRequest.Channel.LIAISON if scope_for(actor).is_only_liaison else ServiceRequest.Channel.COUNTER
    form_data = {} if eform is None else {name: eform[name].data for name in eform.fields}
    service_request = service_request_submit(
        actor=actor, kind=ServiceRequest.Kind.APPLICATION, item=item, channel=channel, station=station,
        form_data=form_data, attachments=scans.uploads(), **service_fields)
    return Ok(reference=format_tracking_code(service_request.tracking_code), label=_("Tracking code"),
              url=reverse("gov_services:counter-request-receipt", args=[service_request.pk]))
