"""Writes to the care registries: residents (with their emergency contacts), responders, care-desk posts.
Who may do what is stations/scope's (`can_work_care`, `can_contract_responders`)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_role_grant
from care.models import CareDesk, CareResident, EmergencyContact, Need, Responder, Service
from care.services.calls.intake import can_raise
from core.audit import audit_event_record
from stations.models import Household, Region
from stations.scope import require, scope_for, scope_forget


def _clean_needs(needs, consent_on: date | None) -> list[str]:
    needs = [code for code in dict.fromkeys(needs or []) if code in Need.values]
    if needs and consent_on is None:
        raise ValidationError({"needs_consent_on": _("Conditions are kept only with the resident's consent: "
                                                     "record the day it was given, or tick none.")})
    return needs


def _contacts(resident: CareResident, contacts) -> None:
    resident.contacts.all().delete()
    for contact in contacts:
        if contact.get("name") and contact.get("phone"):
            EmergencyContact.objects.create(resident=resident, name=contact["name"],
                                            relation=contact.get("relation") or "", phone=contact["phone"])


@transaction.atomic
def care_resident_register(*, actor: User, household: Household, name: str, phone: str, kind: str,
                           lives_alone: bool, needs=(), needs_consent_on: date | None = None,
                           liaison: User | None = None, checkin_every_days: int = 7,
                           contacts=()) -> CareResident:
    """Put a resident of `household` on the care registry (with up to a few emergency contacts)."""
    village = household.grid.station.village
    require(scope_for(actor).can_work_care(village.path),
            _("Only the care desk and the admins of the resident's place keep the care registry."))
    resident = CareResident(household=household, village=village, name=name.strip(), phone=phone.strip(),
                            kind=kind, lives_alone=lives_alone, needs=_clean_needs(needs, needs_consent_on),
                            needs_consent_on=needs_consent_on, liaison=liaison,
                            checkin_every_days=checkin_every_days)
    resident.full_clean()
    resident.save()
    _contacts(resident, contacts)
    audit_event_record(actor=actor, action="care.resident.registered", target=resident,
                       data={"household": household.pk, "needs": resident.needs})
    return resident


@transaction.atomic
def care_resident_update(*, actor: User, resident: CareResident, contacts=None, **fields) -> CareResident:
    require(scope_for(actor).can_work_care(resident.place_path),
            _("Only the care desk and the admins of the resident's place keep the care registry."))
    resident = CareResident.objects.select_for_update().get(pk=resident.pk)
    consent = fields.get("needs_consent_on", resident.needs_consent_on)
    if "needs" in fields:
        fields["needs"] = _clean_needs(fields["needs"], consent)
    was_active = resident.active
    for key, value in fields.items():
        setattr(resident, key, value)
    if was_active and not resident.active:
        resident.left_at = timezone.now()
    elif resident.active:
        resident.left_at = None
    resident.full_clean()
    resident.save()
    if contacts is not None:
        _contacts(resident, contacts)
    audit_event_record(actor=actor, action="care.resident.updated", target=resident,
                       data={"fields": sorted(fields)})
    return resident


def care_resident_view_full(*, actor: User, resident: CareResident) -> CareResident:
    """The resident to be shown unmasked (name, phone, contacts): refused to anyone the scope does not
    name, an audit event for everyone else."""
    require(can_raise(actor, resident),
            _("Only the care desk, the resident's station and their liaison see a resident in full."))
    with transaction.atomic():
        audit_event_record(actor=actor, action="care.resident.viewed", target=resident)
    return resident


def _check_responder(responder: Responder) -> None:
    unknown = [code for code in responder.services if code not in Service.values]
    if unknown or not responder.services:
        raise ValidationError({"services": _("Choose at least one service the responder offers.")})
    responder.full_clean(exclude=["villages"])


@transaction.atomic
def responder_register(*, actor: User, region: Region, villages, **fields) -> Responder:
    """A responder under contract with `region` (a county or township), serving `villages` inside it."""
    scope = scope_for(actor)
    require(scope.can_contract_responders(region.path),
            _("Only the admins of the contracting county or township register responders."))
    villages = list(villages)
    if not villages or any(not v.path.startswith(region.path) for v in villages):
        raise ValidationError({"villages": _("Choose the villages served, inside the contracting region.")})
    responder = Responder(region=region, **fields)
    _check_responder(responder)
    responder.save()
    responder.villages.set(villages)
    audit_event_record(actor=actor, action="care.responder.registered", target=responder,
                       data={"villages": [v.pk for v in villages], "services": responder.services})
    return responder


@transaction.atomic
def responder_update(*, actor: User, responder: Responder, villages=None, **fields) -> Responder:
    require(scope_for(actor).can_contract_responders(responder.region.path),
            _("Only the admins of the contracting county or township change a responder's contract."))
    responder = Responder.objects.select_for_update().get(pk=responder.pk)
    for key, value in fields.items():
        setattr(responder, key, value)
    _check_responder(responder)
    responder.save()
    if villages is not None:
        villages = list(villages)
        if not villages or any(not v.path.startswith(responder.region.path) for v in villages):
            raise ValidationError({"villages": _("Choose the villages served, inside the contracting region.")})
        responder.villages.set(villages)
    audit_event_record(actor=actor, action="care.responder.updated", target=responder,
                       data={"fields": sorted(fields), "status": responder.status})
    return responder


@transaction.atomic
def care_desk_give(*, actor: User, user: User, region: Region) -> CareDesk:
    """Make `user` a care operator at `region`'s care desk: the region's admins."""
    require(scope_for(actor).covers(region.path),
            _("Only the admins of the region give care-desk posts there."))
    if CareDesk.objects.active().filter(user=user, region=region).exists():
        raise ValidationError({"user": _("This person already works this care desk.")})
    desk = CareDesk.objects.create(user=user, region=region, started_on=timezone.localdate())
    user_role_grant(user=user, role=Role.CARE_OPERATOR, actor=actor)
    scope_forget(user)
    audit_event_record(actor=actor, action="care.desk.given", target=desk, data={"user": user.pk})
    return desk


@transaction.atomic
def care_desk_end(*, actor: User, desk: CareDesk) -> CareDesk:
    """End a care-desk post today (the first day without access)."""
    require(scope_for(actor).covers(desk.region.path), _("Only the admins of the region end care-desk posts there."))
    desk = CareDesk.objects.select_for_update().get(pk=desk.pk)
    if desk.ended_on is None:
        desk.ended_on = timezone.localdate()
        desk.save(update_fields=["ended_on"])
        audit_event_record(actor=actor, action="care.desk.ended", target=desk)
    return desk
