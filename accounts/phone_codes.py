"""One-time SMS codes that prove a resident holds a mobile number (sign-up, password reset), or that a
resident at the counter agrees to a request being filed on their behalf (consent).

Kept in the cache, never in the database, and never in clear: the cache holds an HMAC of the code
(keyed with SECRET_KEY), so a leaked cache dump gives away no code. A code

* has six digits and lives CODE_TTL seconds (10 minutes);
* is used once: a correct guess deletes it;
* survives MAX_WRONG_ATTEMPTS wrong guesses (5); the fifth deletes it, and a new one must be asked for.

Sending is throttled: one code per number per RESEND_AFTER seconds (60), at most SENDS_PER_PHONE_PER_HOUR
per number and SENDS_PER_IP_PER_HOUR per client address. A village shares one mobile carrier's address
(carrier-grade NAT) more often than a city flat does, so the per-address limit is generous and the
per-number limits do the real work.

Every refusal is a ValidationError whose message can be shown to the resident as is and whose
`code` says which rule refused it (see the constants below). Cache keys carry an HMAC of the
number, never the number itself. The hourly limits are django-ratelimit's counters; the wrong-guess
count belongs to one code (a new code starts it afresh), so it is kept beside the code. Guessing
across codes and numbers is throttled by accounts.lockout.code_guard, around the callers' checks.
"""

import math
import secrets
import time
from typing import Final

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_ratelimit.core import is_ratelimited

from core.sms import SmsLimitError, SmsPurpose, sms_purpose_register, sms_send

SIGNUP: Final = "signup"
PASSWORD_RESET: Final = "reset"
CONSENT: Final = "consent"
PURPOSES: Final = (SIGNUP, PASSWORD_RESET, CONSENT)

CODE_LENGTH: Final = 6
CODE_TTL: Final = 10 * 60
MAX_WRONG_ATTEMPTS: Final = 5
RESEND_AFTER: Final = 60
SENDS_PER_PHONE_PER_HOUR: Final = 5
SENDS_PER_IP_PER_HOUR: Final = 10
HOUR: Final = 60 * 60

# ValidationError codes
THROTTLED: Final = "code_throttled"            # asked again within RESEND_AFTER
PHONE_HOURLY_LIMIT: Final = "code_phone_limit"
IP_HOURLY_LIMIT: Final = "code_ip_limit"
SEND_FAILED: Final = "code_send_failed"
DAILY_LIMIT: Final = "code_daily_limit"      # the SMS purpose's daily limit for the number (core/sms/)
EXPIRED: Final = "code_expired"                # none sent, expired, used or locked
WRONG: Final = "code_wrong"
LOCKED: Final = "code_locked"                  # the wrong guess that used up the attempts
MALFORMED: Final = "code_malformed"

_SALT: Final = "cunzhan.accounts.phone_codes"

# The text messages, as SMS purposes (core/sms/): about no place, so one platform-wide template each.
CODES_PER_DAY: Final = 10
SMS_CODE = sms_purpose_register(SmsPurpose(
    "phone_code", gettext_lazy("Verification code (sign-up, password reset)"),
    gettext_lazy("Cunzhan verification code: %(code)s. It is valid for %(minutes)d minutes. "
                 "Never tell it to anyone, not even station staff."),
    ("code", "minutes"), secret_params=("code",), daily_limit=CODES_PER_DAY, county=False))
SMS_CONSENT = sms_purpose_register(SmsPurpose(
    "consent_code", gettext_lazy("Consent code (filing at the counter)"),
    gettext_lazy("Cunzhan: your village station is filing “%(about)s” for you. If you agree, tell the operator "
                 "this code: %(code)s (valid for %(minutes)d minutes). If you did not ask for this, do not "
                 "give it."),
    ("about", "code", "minutes"), secret_params=("code",), daily_limit=CODES_PER_DAY, county=False))


def _digest(*parts: str) -> str:
    return salted_hmac(_SALT, ":".join(parts), algorithm="sha256").hexdigest()


def _key(kind: str, purpose: str, phone: str) -> str:
    return f"cz:pc:{kind}:{purpose}:{_digest('phone', phone)[:32]}"


def _code_keys(purpose: str, phone: str, scope: str) -> tuple[str, str]:
    """The keys of the code and of its wrong-guess count. A scope (e.g. one counter form's key) binds
    a code to that use only; throttling stays per number."""
    scoped = f"{purpose}.{_digest('scope', scope)[:16]}" if scope else purpose
    return _key("code", scoped, phone), _key("wrong", scoped, phone)


def _over_hourly_limit(group: str, value: str, limit: int) -> bool:
    """Count one for `value` (an HMAC: no number or address in the cache) and say whether it is past
    `limit` this hour. The key is given, so django-ratelimit needs no request."""
    return is_ratelimited(None, group=f"cz.phone_codes.{group}", key=lambda _group, _request: value,
                          rate=(limit, HOUR), increment=True)


def _count_wrong(key: str) -> int:
    """One more wrong guess at the code whose count is at `key`; the new count."""
    cache.add(key, 0, timeout=CODE_TTL)
    try:
        return cache.incr(key)
    except ValueError:  # the code expired between add and incr
        cache.set(key, 1, timeout=CODE_TTL)
        return 1


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown phone-code purpose {purpose!r}; use one of {PURPOSES}")


def seconds_until_resend(*, phone: str, purpose: str) -> int:
    """How long the resident must wait before another code may be sent to `phone` (0: now)."""
    sent_at = cache.get(_key("sent", purpose, phone))
    if sent_at is None:
        return 0
    return max(0, math.ceil(sent_at + RESEND_AFTER - time.time()))


def ip_charge(*, ip: str) -> None:
    """Count one request from `ip` against SENDS_PER_IP_PER_HOUR; ValidationError IP_HOURLY_LIMIT beyond it.

    phone_code_send charges every send. Views charge the other answers that say something about a
    number (e.g. "this number already has an account"), so that numbers cannot be tried in bulk.
    """
    if _over_hourly_limit("ip", _digest("ip", ip or "-"), SENDS_PER_IP_PER_HOUR):
        raise ValidationError(_("Too many codes have been asked for from this network in the last hour. "
                                "Please try again later, or ask at your village station."), code=IP_HOURLY_LIMIT)


def _message(code: str, purpose: str, about: str) -> tuple[str, dict]:
    """The SMS purpose and its parameters for a code sent for `purpose`."""
    if purpose == CONSENT:
        return SMS_CONSENT.key, {"about": about, "code": code, "minutes": CODE_TTL // 60}
    return SMS_CODE.key, {"code": code, "minutes": CODE_TTL // 60}


def phone_code_send(*, phone: str, purpose: str, ip: str, scope: str = "", about: str = "") -> None:
    """Send a fresh code to `phone` by SMS, replacing any earlier one (and its wrong-guess count).

    `phone` must already be validated. `scope` binds the code to one use (see _code_keys); `about`
    names what a consent code agrees to. Raises ValidationError (codes THROTTLED, PHONE_HOURLY_LIMIT,
    IP_HOURLY_LIMIT, DAILY_LIMIT, SEND_FAILED) without sending anything.
    """
    _check_purpose(purpose)
    wait = seconds_until_resend(phone=phone, purpose=purpose)
    if wait:
        raise ValidationError(_("A code was sent to this number a moment ago. Please wait %(seconds)d seconds "
                                "before asking for another.") % {"seconds": wait}, code=THROTTLED)
    ip_charge(ip=ip)
    if _over_hourly_limit(f"phone.{purpose}", _digest("phone", phone), SENDS_PER_PHONE_PER_HOUR):
        raise ValidationError(_("Too many codes have been sent to this number in the last hour. "
                                "Please try again in an hour, or ask at your village station."),
                              code=PHONE_HOURLY_LIMIT)
    if not cache.add(_key("sent", purpose, phone), time.time(), timeout=RESEND_AFTER):
        # Two requests raced past the check above; the other one sends.
        raise ValidationError(_("A code was sent to this number a moment ago. Please wait %(seconds)d seconds "
                                "before asking for another.") % {"seconds": RESEND_AFTER}, code=THROTTLED)
    code = f"{secrets.randbelow(10 ** CODE_LENGTH):0{CODE_LENGTH}d}"
    code_key, wrong_key = _code_keys(purpose, phone, scope)
    cache.set(code_key, _digest("code", purpose, phone, code), timeout=CODE_TTL)
    cache.delete(wrong_key)
    sms_purpose_key, params = _message(code, purpose, about)
    try:
        sms_send(phone=phone, purpose=sms_purpose_key, params=params)
    except SmsLimitError as error:
        cache.delete_many([code_key, _key("sent", purpose, phone)])
        raise ValidationError(_("This number has had as many codes as it may have today. Please try again "
                                "tomorrow, or ask at your village station."), code=DAILY_LIMIT) from error
    except Exception as error:  # any gateway failure: the resident may simply try again
        cache.delete_many([code_key, _key("sent", purpose, phone)])
        raise ValidationError(_("The text message could not be sent just now. Please check the number and "
                                "try again in a minute."), code=SEND_FAILED) from error


def phone_code_verify(*, phone: str, purpose: str, code: str, scope: str = "") -> None:
    """Accept the code sent to `phone` for `purpose` (it is then used up), or raise ValidationError.

    Codes: MALFORMED (not six digits; costs no attempt), EXPIRED (no live code), WRONG (attempts
    left), LOCKED (that was the last attempt: the code is gone).
    """
    _check_purpose(purpose)
    code = (code or "").strip()
    if len(code) != CODE_LENGTH or not code.isdigit():
        raise ValidationError(_("The code has %(n)d digits; please type it as it is in the text message.")
                              % {"n": CODE_LENGTH}, code=MALFORMED)
    code_key, wrong_key = _code_keys(purpose, phone, scope)
    stored = cache.get(code_key)
    if stored is None:
        raise ValidationError(_("This code has expired or has been used. Please ask for a new code."), code=EXPIRED)
    if constant_time_compare(stored, _digest("code", purpose, phone, code)):
        cache.delete_many([code_key, wrong_key])
        return
    wrong = _count_wrong(wrong_key)
    if wrong >= MAX_WRONG_ATTEMPTS:
        cache.delete(code_key)
        raise ValidationError(_("The code was wrong %(n)d times, so it no longer works. Please ask for a new code.")
                              % {"n": MAX_WRONG_ATTEMPTS}, code=LOCKED)
    left = MAX_WRONG_ATTEMPTS - wrong
    raise ValidationError(ngettext("The code is wrong. You can try %(left)d more time.",
                                   "The code is wrong. You can try %(left)d more times.", left)
                          % {"left": left}, code=WRONG)


def is_wrong_code(error: ValidationError) -> bool:
    """Whether `error` (phone_code_verify's, or a service's that files it under a field) says that a
    code was guessed wrong, as opposed to expired, malformed or never sent."""
    groups = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return any(item.code in (WRONG, LOCKED) for errors in groups for item in errors)
