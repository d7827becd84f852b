"""Reads of the care desk, narrowed by stations/scope (a row out of scope: 404)."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.roles import Role
from care.models import CareAlert, CareCall, CareCheckIn, CareDesk, CareOffer, CareResident, Responder
from care.tokens import call_from_rate_token, offer_from_token, resident_from_help_token
from stations.models import Household, Region, StaffAssignment
from stations.scope import get_in_scope, scope_for


def residents(*, user: User) -> QuerySet[CareResident]:
    return CareResident.objects.filter(scope_for(user).care_q(place="village__path")).select_related(
        "village", "household", "household__grid")


def access_resident_by_id(*, user: User, resident_id: int) -> CareResident:
    return get_in_scope(residents(user=user).prefetch_related("contacts"), pk=resident_id)


def residents_by_phone(*, user: User, phone: str) -> QuerySet[CareResident]:
    """Residents whose own phone, or an emergency contact's, is `phone` (spaces and +86 ignored)."""
    return _by_phone(residents(user=user).filter(active=True), phone)


def _by_phone(found: QuerySet[CareResident], phone: str) -> QuerySet[CareResident]:
    number = re.sub(r"\D", "", phone or "")[-11:]
    if len(number) < 7:
        return CareResident.objects.none()
    return found.filter(Q(phone__endswith=number) | Q(contacts__phone__endswith=number)).distinct()


def calls(*, user: User) -> QuerySet[CareCall]:
    return CareCall.objects.filter(scope_for(user).care_q(place="village__path")).select_related(
        "resident", "village", "responder")


def access_call_by_id(*, user: User, call_id: int) -> CareCall:
    return get_in_scope(calls(user=user).select_related("resident__household", "resident__household__grid",
                                                        "taken_by"), pk=call_id)


def responders(*, user: User) -> QuerySet[Responder]:
    """Responders contracted by a region in the user's care scope, or serving a village there."""
    scope = scope_for(user)
    ids = Responder.objects.filter(scope.care_q(place="region__path") | scope.care_q(place="villages__path"))
    return Responder.objects.filter(pk__in=ids.values("pk")).select_related("region")


def access_responder_by_id(*, user: User, responder_id: int) -> Responder:
    return get_in_scope(responders(user=user).prefetch_related("villages"), pk=responder_id)


def alerts(*, user: User) -> QuerySet[CareAlert]:
    return CareAlert.objects.filter(scope_for(user).care_q(place="village__path"), resolved_at__isnull=True
                                    ).select_related("resident", "call", "village")


def access_alert_by_id(*, user: User, alert_id: int) -> CareAlert:
    return get_in_scope(alerts(user=user), pk=alert_id)


def checkins_due(*, user: User) -> QuerySet[CareCheckIn]:
    return CareCheckIn.objects.filter(scope_for(user).care_q(place="resident__village__path"),
                                      status=CareCheckIn.Status.DUE).select_related("resident", "resident__village")


def access_checkin_by_id(*, user: User, checkin_id: int) -> CareCheckIn:
    return get_in_scope(CareCheckIn.objects.filter(scope_for(user).care_q(place="resident__village__path"))
                        .select_related("resident", "resident__village"), pk=checkin_id)


def households(*, user: User) -> QuerySet[Household]:
    """Households a resident may be registered from: those of villages in the user's care scope."""
    return Household.objects.filter(scope_for(user).care_q(place="grid__station__village__path")).select_related(
        "grid", "grid__station", "grid__station__village")


def villages(*, user: User) -> QuerySet[Region]:
    return Region.objects.filter(scope_for(user).care_q(place="path"), level=Region.Level.VILLAGE).order_by("path")


def contracting_regions(*, user: User) -> QuerySet[Region]:
    """Counties and townships whose admins the user is: where they may contract responders."""
    scope = scope_for(user)
    return Region.objects.filter(scope.q(place="path"), level__in=[Region.Level.COUNTY, Region.Level.TOWNSHIP]
                                 ).order_by("path")


def offer_by_token(token: str) -> CareOffer | None:
    """The offer a responder's link opens (only that one), or None for a bad, altered or old link."""
    parsed = offer_from_token(token)
    if parsed is None:
        return None
    offer_id, nonce = parsed
    offer = (CareOffer.objects.select_related("call", "call__resident", "call__resident__household",
                                              "call__village", "responder").filter(pk=offer_id).first())
    if offer is None or offer.nonce != nonce:
        return None
    return offer


def desks(*, user: User) -> QuerySet:
    """The care-desk posts in force in the regions the user administers."""
    return CareDesk.objects.active().filter(scope_for(user).q(place="region__path")).select_related("user", "region")


def access_desk_by_id(*, user: User, desk_id: int):
    return get_in_scope(desks(user=user), pk=desk_id)


def person_by_name_or_phone(text: str) -> User | None:
    """An active account by its sign-in name or mobile number (what an admin types to give a post)."""
    text = (text or "").strip()
    if not text:
        return None
    return User.objects.filter(is_active=True).filter(Q(username=text) | Q(phone=text)).first()


def call_by_rate_token(token: str) -> CareCall | None:
    """The call a resident's rating link opens (only that one; only once it is served), or None."""
    parsed = call_from_rate_token(token)
    if parsed is None:
        return None
    call_id, reference = parsed
    return (CareCall.objects.select_related("responder", "village")
            .filter(pk=call_id, reference=reference, status__in=(CareCall.Status.COMPLETED, CareCall.Status.CONFIRMED))
            .first())


# --- the counter's care page: station operators and liaisons (stations/scope's care_counter_q) ----------

def _counter_q(user: User, prefix: str = "") -> Q:
    return scope_for(user).care_counter_q(station=f"{prefix}household__grid__station_id", liaison=f"{prefix}liaison_id",
                                          grid_liaison=f"{prefix}household__grid__liaison_id")


def counter_residents(*, user: User) -> QuerySet[CareResident]:
    return CareResident.objects.filter(_counter_q(user), active=True).select_related(
        "village", "household", "household__grid", "liaison")


def counter_residents_by_phone(*, user: User, phone: str) -> QuerySet[CareResident]:
    return _by_phone(counter_residents(user=user), phone)


def access_counter_resident_by_id(*, user: User, resident_id: int) -> CareResident:
    return get_in_scope(counter_residents(user=user).prefetch_related("contacts"), pk=resident_id)


def counter_calls(*, user: User) -> QuerySet[CareCall]:
    return CareCall.objects.filter(_counter_q(user, "resident__")).select_related(
        "resident", "village", "responder", "resident__household__grid")


def access_counter_call_by_id(*, user: User, call_id: int) -> CareCall:
    return get_in_scope(counter_calls(user=user), pk=call_id)


# --- who the minute clock's chain tells (care/clock.py) ---------------------------------------------------

def _enclosing(path: str) -> list[str]:
    """`path` and the paths of every region holding it (village → township → county → city)."""
    return [path[:end] for end in range(Region.steplen, len(path) + 1, Region.steplen)]


def desk_operators_for(path: str) -> QuerySet[User]:
    """The care operators in post at a desk whose region holds `path`."""
    posts = CareDesk.objects.active().filter(region__path__in=_enclosing(path))
    return User.objects.filter(pk__in=posts.values("user_id"), is_active=True).order_by("pk")


def admins_for(path: str) -> QuerySet[User]:
    """The township and county admins in post over `path`."""
    posts = StaffAssignment.objects.active().filter(region__path__in=_enclosing(path),
                                                    role__in=(Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN))
    return User.objects.filter(pk__in=posts.values("user_id"), is_active=True).order_by("pk")


def resident_by_help_token(token: str) -> CareResident | None:
    """The resident whose help button a link opens (only while that button is theirs), or None."""
    parsed = resident_from_help_token(token)
    if parsed is None:
        return None
    resident_id, nonce = parsed
    return CareResident.objects.select_related("village").filter(pk=resident_id, help_nonce=nonce, active=True).first()
