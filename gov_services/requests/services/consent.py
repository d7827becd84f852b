"""Consent by SMS code at the counter: the resident's phone receives a code naming what is being
filed for them, and the operator types it into the form. The code is bound to that one form (its
idempotency key), so a code given for one request cannot consent to another."""

import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phone_codes import CONSENT, phone_code_send, phone_code_verify
from gov_services.identifiers import validate_mobile
from gov_services.requests.services.access import require_signed_in
from stations.models import Station
from stations.scope import require, scope_for


def consent_code_send(*, actor: User, station: Station, phone: str, idempotency_key: uuid.UUID,
                      about: str, ip: str) -> str:
    """Text a consent code to `phone` for the counter form `idempotency_key`; return the number used.

    Raises ValidationError (a bad number, or phone_codes' throttling and sending errors) and
    PermissionDenied for anyone who is not on the staff of `station`.
    """
    require_signed_in(actor)
    require(scope_for(actor).serves_station(station.pk), _("You may only file requests for your own station."))
    number = validate_mobile(phone)
    phone_code_send(phone=number, purpose=CONSENT, ip=ip, scope=str(idempotency_key), about=about[:40])
    return number


def consent_code_check(*, phone: str, idempotency_key: uuid.UUID, code: str) -> None:
    """Accept the consent code for this form (it is then used up), or raise ValidationError."""
    if not (code or "").strip():
        raise ValidationError(_("Enter the code the resident received by SMS."), code="code_missing")
    phone_code_verify(phone=phone, purpose=CONSENT, code=code, scope=str(idempotency_key))
