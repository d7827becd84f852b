"""How a care call comes in: the care desk, an operator at the counter or the resident's liaison takes it
(the same form sent twice gives the first call back), or the resident presses their own help button."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from care import notifications
from care.models import CareAlert, CareCall, CareResident, Service, new_call_reference, new_nonce
from care.services.calls.common import alert_raise, lock_call, record_event
from care.services.calls.dispatch import offer_next
from core.audit import audit_event_record
from core.idempotency import create_once, fingerprint, idempotency_conflict
from core.masking import mask_name
from stations.scope import require, scope_for


def can_raise(user: User, resident: CareResident) -> bool:
    """The care desk, an operator of the resident's station at the counter, or the resident's liaison."""
    liaison = resident.liaison_user
    return scope_for(user).can_raise_care_call(path=resident.place_path, station_id=resident.household.grid.station_id,
                                               liaison_id=liaison.pk if liaison is not None else None)


def care_call_take(*, actor: User, resident: CareResident, service: str, urgency: str, description: str,
                   idempotency_key: uuid.UUID, channel: str = CareCall.Channel.HOTLINE,
                   offer_at_once: bool = False) -> CareCall:
    """Record a call for `resident`. The same form sent twice gives the first call back. With
    `offer_at_once` (taken at the counter or by the liaison, where no one ranks responders) the call is
    offered to the best responder in the same step; the desk follows it on its clock."""
    require(can_raise(actor, resident),
            _("Only the care desk, the resident's station and their liaison take care calls for them."))
    content = fingerprint(resident=resident.pk, service=service, urgency=urgency, description=description)

    def build() -> CareCall:
        call = CareCall(resident=resident, village=resident.village, service=service, urgency=urgency,
                        channel=channel, description=description.strip(), taken_by=actor,
                        created_at=timezone.now(), reference="")
        call._fingerprint = content
        call.full_clean(exclude=["reference", "idempotency_key", "taken_by"])
        return call

    def replay(call: CareCall) -> CareCall:
        if fingerprint(resident=call.resident_id, service=call.service, urgency=call.urgency,
                       description=call.description) != content:
            raise idempotency_conflict()
        return call

    with transaction.atomic():
        call, created = create_once(CareCall, key={"idempotency_key": idempotency_key}, build=build,
                                    replay=replay, code="reference", new_code=new_call_reference)
        if created:
            record_event(call, "taken", actor=actor, service=service, urgency=urgency, channel=channel)
            if call.is_urgent:
                notifications.send_urgent_notice(call)
            if offer_at_once:
                offer_next(lock_call(call.pk), actor=actor)
                call.refresh_from_db()
    return call


# --- the resident's help button -------------------------------------------------------------------------

@transaction.atomic
def care_help_button_give(*, actor: User, resident: CareResident) -> CareResident:
    """Text the resident a link to their own help button; a new one stops the old link."""
    require(scope_for(actor).can_work_care(resident.place_path), _("Only the care desk gives help buttons."))
    resident = CareResident.objects.select_for_update().select_related("village").get(pk=resident.pk)
    resident.help_nonce = new_nonce()
    resident.save(update_fields=["help_nonce"])
    audit_event_record(actor=actor, action="care.resident.help_button_given", target=resident)
    notifications.send_help_link(resident)
    return resident


def care_help_press(*, resident_id: int, nonce: str, idempotency_key: uuid.UUID) -> CareCall:
    """The resident pressed their help button: a call for the desk to ring back (what is needed is found out
    on the phone), with an alert and a text to the care operators. While a call from the button is open,
    pressing again gives that call back."""
    with transaction.atomic():
        resident = (CareResident.objects.select_for_update().select_related("village")
                    .filter(pk=resident_id, active=True).first())
        if resident is None or not resident.help_nonce or resident.help_nonce != nonce:
            raise ValidationError(_("This link is not valid."), code="bad_link")
        waiting = resident.calls.filter(channel=CareCall.Channel.RESIDENT, status__in=CareCall.OPEN_STATUSES).first()
        if waiting is not None:
            return waiting

        def build() -> CareCall:
            with override(settings.LANGUAGE_CODE):
                description = _("Pressed the help button: call back to find out what is needed.")
            return CareCall(resident=resident, village=resident.village, service=Service.COMPANY,
                            channel=CareCall.Channel.RESIDENT, description=description, created_at=timezone.now(),
                            reference="")

        def replay(call: CareCall) -> CareCall:
            if call.resident_id != resident.pk:
                raise idempotency_conflict()
            return call

        call, created = create_once(CareCall, key={"idempotency_key": idempotency_key}, build=build, replay=replay,
                                    code="reference", new_code=new_call_reference)
        if created:
            record_event(call, "taken", channel=call.channel)
            alert_raise(resident, kind=CareAlert.Kind.HELP, call=call, key=f"help:{call.pk}",
                        message=_("%(name)s pressed the help button (call %(ref)s): call them back.")
                        % {"name": mask_name(resident.name), "ref": call.reference})
            notifications.send_help_pressed(call)
    return call
