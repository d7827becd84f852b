"""The care desk's text messages (through core/sms/'s outbox): the offer link to a responder, the
urgent-call notice to the liaison and emergency contacts, the late-step alert to the care operators and
its escalation to the township and county admins, the rating link to the resident, the resident's help
button and its pressing to the care operators."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from care import selectors
from care.models import CareCall, CareOffer, CareResident
from care.tokens import help_token, offer_token, rate_token
from core.masking import mask_name
from core.sms import SmsPurpose, sms_enqueue, sms_purpose_register

LANGUAGE = settings.LANGUAGE_CODE

OFFER, URGENT, LATE, ESCALATED, RATE = "care_offer", "care_urgent", "care_late", "care_escalated", "care_rate"
HELP_LINK, HELP_PRESSED = "care_help_link", "care_help"
sms_purpose_register(SmsPurpose(
    OFFER, gettext_lazy("Care call offered (responder)"),
    gettext_lazy("Care call %(ref)s (%(service)s, %(village)s)%(urgent)s. Accept or decline within %(minutes)s "
                 "minutes: %(link)s"), ("ref", "service", "village", "urgent", "minutes", "link")))
sms_purpose_register(SmsPurpose(
    URGENT, gettext_lazy("Urgent care call (liaison, contacts)"),
    gettext_lazy("Urgent care call %(ref)s for %(name)s (%(village)s): %(what)s. The care desk is dispatching "
                 "help; in an emergency call %(emergency)s."), ("ref", "name", "village", "what", "emergency")))
sms_purpose_register(SmsPurpose(
    LATE, gettext_lazy("Care call late (operator)"),
    gettext_lazy("Care call %(ref)s is late (%(step)s). Please follow it up at the care desk."), ("ref", "step")))
sms_purpose_register(SmsPurpose(
    ESCALATED, gettext_lazy("Care call escalated (township and county admins)"),
    gettext_lazy("Care call %(ref)s (%(village)s) is still late (%(step)s) after the care desk was alerted. "
                 "Please step in."), ("ref", "village", "step")))
sms_purpose_register(SmsPurpose(
    RATE, gettext_lazy("Care call served: rate it (resident)"),
    gettext_lazy("%(responder)s has completed your care call %(ref)s. Please confirm and rate the service: "
                 "%(link)s"), ("responder", "ref", "link"), daily_limit=20))


sms_purpose_register(SmsPurpose(
    HELP_LINK, gettext_lazy("Care help button (resident)"),
    gettext_lazy("This is your help button from the care desk. When you need help at home, open it and press the "
                 "button; we will call you back: %(link)s"), ("link",)))
sms_purpose_register(SmsPurpose(
    HELP_PRESSED, gettext_lazy("Care help button pressed (care operators)"),
    gettext_lazy("%(name)s (%(village)s) pressed the help button: call %(ref)s. Please call them back from the "
                 "care desk."), ("name", "village", "ref")))


def offer_url(offer: CareOffer) -> str:
    path = reverse("care:responder-offer", kwargs={"token": offer_token(offer)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def send_offer(offer: CareOffer) -> None:
    call = offer.call
    link = offer_url(offer)
    with override(LANGUAGE):
        params = {"ref": call.reference, "service": call.get_service_display(), "village": call.village.name,
                  "urgent": _(", URGENT") if call.is_urgent else "", "minutes": settings.CARE_OFFER_MINUTES,
                  "link": link}
    sms_enqueue(phone=offer.responder.phone, purpose=OFFER, params=params, reference=call.reference,
                region_path=call.place_path, secrets=[link.rsplit("/", 2)[-2]])


def send_urgent_notice(call: CareCall) -> None:
    """An urgent call: its resident's liaison and emergency contacts are told at once."""
    resident = call.resident
    with override(LANGUAGE):
        params = {"ref": call.reference, "name": mask_name(resident.name), "village": call.village.name,
                  "what": call.get_service_display(), "emergency": settings.CARE_EMERGENCY_NUMBER}
    liaison = resident.liaison_user
    phones = [liaison.phone if liaison is not None else "", *(c.phone for c in resident.contacts.all())]
    for phone in dict.fromkeys(p for p in phones if p):
        sms_enqueue(phone=phone, purpose=URGENT, params=params, reference=call.reference,
                    region_path=call.place_path)


def _phones(users) -> list[str]:
    return list(dict.fromkeys(user.phone for user in users if user is not None and getattr(user, "phone", "")))


def send_late_alert(call: CareCall, step: str) -> None:
    """A late step: whoever took the call and the care operators of the resident's place."""
    for phone in _phones([call.taken_by, *selectors.desk_operators_for(call.place_path)]):
        sms_enqueue(phone=phone, purpose=LATE, params={"ref": call.reference, "step": step},
                    reference=f"{call.reference}:{step}", region_path=call.place_path)


def send_escalation(call: CareCall, step: str) -> None:
    """A step still late after the desk was alerted: the township and county admins over the resident."""
    params = {"ref": call.reference, "village": call.village.name, "step": step}
    for phone in _phones(selectors.admins_for(call.place_path)):
        sms_enqueue(phone=phone, purpose=ESCALATED, params=params, reference=f"{call.reference}:{step}:escalated",
                    region_path=call.place_path)


def rate_url(call: CareCall) -> str:
    path = reverse("care:resident-rate", kwargs={"token": rate_token(call)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def send_rating_link(call: CareCall) -> None:
    """Served: the resident is asked to confirm and rate, by a link to that one call."""
    link = rate_url(call)
    sms_enqueue(phone=call.resident.phone, purpose=RATE, params={"responder": call.responder.name,
                                                                 "ref": call.reference, "link": link},
                reference=call.reference,
                region_path=call.place_path, secrets=[link.rsplit("/", 2)[-2]])


def help_url(resident: CareResident) -> str:
    path = reverse("care:resident-help", kwargs={"token": help_token(resident)})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def send_help_link(resident: CareResident) -> None:
    link = help_url(resident)
    sms_enqueue(phone=resident.phone, purpose=HELP_LINK, params={"link": link}, reference=f"help:{resident.pk}",
                region_path=resident.place_path, secrets=[link.rsplit("/", 2)[-2]])


def send_help_pressed(call: CareCall) -> None:
    """The help button pressed: every care operator of the resident's place is told at once."""
    params = {"name": mask_name(call.resident.name), "village": call.village.name, "ref": call.reference}
    for phone in _phones(selectors.desk_operators_for(call.place_path)):
        sms_enqueue(phone=phone, purpose=HELP_PRESSED, params=params, reference=call.reference,
                    region_path=call.place_path)
