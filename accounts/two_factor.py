"""Two-factor sign-in (等保 2.0 level 3: two-factor for administrators) through django-otp.

A person signs in with their password as always; if their roles are in TWO_FACTOR_ROLES (or they have
set up an authenticator of their own accord), the session is marked pending and every page but the
two-factor pages and sign-out sends them on (accounts.middleware.TwoFactorMiddleware) until they give
a code from their authenticator app (TOTP, RFC 6238) or one of their recovery codes. Whoever has no
authenticator yet sets one up first: a QR code drawn here (segno, no outside service), a first code to
prove it works, then ten single-use recovery codes shown once.

Every step leaves an audit event: enrolled, verified (by which method), failed, recovery codes renewed,
reset by the security administrator. Wrong codes are slowed down by django-otp's throttle (each failure
doubles the wait) on top of the sign-in lock-out (accounts/lockout.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from core.audit import audit_event_record

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def two_factor_required(user: User) -> bool:
    """Whether policy makes this person give a second factor: a role in TWO_FACTOR_ROLES, or a platform
    superuser whenever any role is listed (they can do what every admin can)."""
    required_roles = set(settings.TWO_FACTOR_ROLES)
    if not required_roles:
        return False
    return user.is_superuser or bool(user.roles & required_roles)


def authenticator_for(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_step(user: User) -> str:
    """What a fresh sign-in owes: "verify" a code (an authenticator is set up, by policy or of their own
    accord), "setup" one first (policy asks and there is none yet), or "" (nothing)."""
    if authenticator_for(user) is not None:
        return "verify"
    return "setup" if two_factor_required(user) else ""


def authenticator_draft(*, user: User) -> TOTPDevice:
    """The not yet confirmed authenticator shown on the set-up page: the same secret across reloads,
    so a QR code scanned a minute ago still matches."""
    draft = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return draft or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)


def authenticator_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (drawn here, nothing fetched)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)


def authenticator_secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app that cannot scan."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@dataclass(frozen=True)
class Verification:
    ok: bool
    method: str = ""          # "totp" or "recovery"
    wait_seconds: int = 0     # set when the throttle refuses to look at the code at all


def _clean(code: str) -> str:
    return "".join(code.split()).lower()[:16]


def _looks_like_app_code(code: str) -> bool:
    # An app shows six digits; a recovery code has eight letters and digits (django-otp's StaticToken).
    return len(code) == 6 and code.isdigit()


def _throttled(device) -> int:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (details or {}).get("locked_until")
    if locked_until is None:
        return 1
    from django.utils import timezone

    return max(1, int((locked_until - timezone.now()).total_seconds()) + 1)


@transaction.atomic
def authenticator_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm a drafted authenticator with its first code: it replaces any earlier one, recovery codes are
    made anew, and the session counts as verified. Returns the recovery codes (shown once), or None for a
    wrong code (nothing changes)."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if _throttled(device) or not device.verify_token(_clean(code)):
        audit_event_record(actor=user, action="user.two_factor_failed", target=user, data={"step": "enrolment"})
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_renew(user)
    otp_login(request, device)
    audit_event_record(actor=user, action="user.two_factor_enrolled", target=user, data={"device": device.pk})
    return codes


@transaction.atomic
def two_factor_verify(*, request, code: str) -> Verification:
    """Check a code from the authenticator, else a recovery code (used up by this). Audited either way."""
    user = request.user
    code = _clean(code)
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is not None:
        wait = _throttled(device)
        if wait:
            audit_event_record(actor=user, action="user.two_factor_failed", target=user, data={"throttled": wait})
            return Verification(ok=False, wait_seconds=wait)
        if _looks_like_app_code(code) and device.verify_token(code):
            otp_login(request, device)
            audit_event_record(actor=user, action="user.two_factor_verified", target=user, data={"method": "totp"})
            return Verification(ok=True, method="totp")
    recovery = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if recovery is not None and not _looks_like_app_code(code) and recovery.verify_token(code):
        otp_login(request, recovery)
        left = recovery.token_set.count()
        audit_event_record(actor=user, action="user.two_factor_verified", target=user,
                           data={"method": "recovery", "codes_left": left})
        return Verification(ok=True, method="recovery")
    if device is not None and not _looks_like_app_code(code):
        # One throttle per person: a wrong recovery code slows the next try down like a wrong app code.
        device.throttle_increment()
    audit_event_record(actor=user, action="user.two_factor_failed", target=user, data={"step": "sign-in"})
    return Verification(ok=False)


def _recovery_codes_renew(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_renew(*, request) -> list[str]:
    """New recovery codes for a verified session (the old ones stop working)."""
    user = request.user
    if not (user.is_verified() and authenticator_for(user)):
        raise PermissionDenied(_("Sign in with your authenticator code before making new recovery codes."))
    codes = _recovery_codes_renew(user)
    audit_event_record(actor=user, action="user.two_factor_recovery_renewed", target=user)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def two_factor_reset(*, actor: User, user: User) -> bool:
    """A lost phone: the security administrator removes someone's authenticator and recovery codes; at
    their next sign-in they set up a new one (if policy asks for it). Nobody resets their own."""
    if not actor.has_perm("accounts.change_user"):
        raise PermissionDenied(_("Only the security administrator may reset someone's two-factor sign-in."))
    if actor.pk == user.pk:
        raise PermissionDenied(_("Nobody resets their own two-factor sign-in; ask another security administrator."))
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    if removed:
        audit_event_record(actor=actor, action="user.two_factor_reset", target=user)
    return bool(removed)
