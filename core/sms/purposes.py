"""SMS purposes: every kind of message the platform sends, declared once by the app that sends it."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise


@dataclass(frozen=True)
class SmsPurpose:
    """One kind of message the platform sends.

    `text` is the built-in wording (a lazy gettext string with %(name)s for each of `params`): what
    the console and the simulator send, and the preview on the screens when the county's template has
    no wording of its own. `secret_params` are always masked in the outbox (one-time codes).
    `daily_limit`: messages of this purpose per mobile number per day (None: no limit; the
    SMS_DAILY_LIMITS setting overrides). `county` is False for messages about no place (the phone
    codes), which use the platform-wide template only."""

    key: str
    label: Promise | str
    text: Promise | str
    params: tuple[str, ...]
    secret_params: tuple[str, ...] = ()
    daily_limit: int | None = None
    county: bool = True


_PURPOSES: dict[str, SmsPurpose] = {}


def sms_purpose_register(purpose: SmsPurpose) -> SmsPurpose:
    """Declare a purpose (apps do it when their notification module is imported, from AppConfig.ready)."""
    known = _PURPOSES.get(purpose.key)
    if known is not None and known != purpose:
        raise ValueError(f"SMS purpose {purpose.key!r} is declared twice, differently")
    _PURPOSES[purpose.key] = purpose
    return purpose


def sms_purpose(key: str) -> SmsPurpose:
    try:
        return _PURPOSES[key]
    except KeyError:
        raise ValueError(f"unknown SMS purpose {key!r}: declare it with sms_purpose_register") from None


def sms_purposes() -> list[SmsPurpose]:
    return sorted(_PURPOSES.values(), key=lambda purpose: purpose.key)


def purpose_label(key: str) -> str:
    purpose = _PURPOSES.get(key)
    return str(purpose.label) if purpose is not None else key


def sms_daily_limit(key: str) -> int | None:
    limits = getattr(settings, "SMS_DAILY_LIMITS", {}) or {}
    if key in limits:
        return limits[key]
    purpose = _PURPOSES.get(key)
    return purpose.daily_limit if purpose is not None else None
