"""Identifiers a resident gives or receives: resident ID number, mobile number, tracking code.

Pure functions (no ORM). Validators return the normalised value or raise ValidationError with
a message meant for the field it came from. Input typed with a Chinese IME is welcome: full-width
digits and letters (１２３Ｘ) are folded to ASCII first (Unicode NFKC).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SHANGHAI = ZoneInfo("Asia/Shanghai")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−_.·]+")


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "")


# --- Resident ID number (居民身份证号码, GB 11643-1999) ------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
# Earlier years are typing errors (0990…); GB 11643's own example holder was born in 1880.
_EARLIEST_BIRTH_YEAR = 1850


def id_check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str, *, today: date | None = None) -> str:
    """The normalised 18-character resident ID number (upper-case X), or ValidationError.

    Checks, in order: length 18 (spaces ignored), 17 digits then a digit or X, a real birth date
    (YYYYMMDD at positions 7–14, not before 1850 and not after `today`, default today in
    Beijing), and the check character.
    """
    number = re.sub(r"\s+", "", _fold(value)).upper()
    if len(number) != 18:
        raise ValidationError(
            _("An ID card number has 18 characters; this one has %(length)d."),
            code="id_length", params={"length": len(number)})
    if not _ID_SHAPE.match(number):
        raise ValidationError(
            _("An ID card number is 17 digits followed by a digit or the letter X."), code="id_characters")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < _EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            _("The birth date in this ID card number (%(digits)s) does not exist."),
            code="id_birth_date", params={"digits": number[6:14]})
    if born > (today or datetime.now(_SHANGHAI).date()):
        raise ValidationError(
            _("The birth date in this ID card number (%(digits)s) is in the future."),
            code="id_birth_future", params={"digits": number[6:14]})
    if id_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("This ID card number's last character does not match the others; please check every digit."),
            code="id_checksum")
    return number


def mask_id_number(value: str) -> str:
    """First 6 and last 4 characters of an 18-character number, the birth date and sequence hidden:
    110101********123X. Anything else is masked completely."""
    if len(value) == 18:
        return f"{value[:6]}{'*' * 8}{value[-4:]}"
    return "*" * len(value)


# --- Mainland mobile number ----------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MOBILE_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=\d{11}$)")


def validate_mobile(value: str) -> str:
    """The 11-digit mainland mobile number, or ValidationError.

    Spaces, dashes and parentheses are ignored, and a +86 / 0086 / 86 country prefix is dropped.
    """
    number = re.sub(r"[\s\-()‐‑–—]+", "", _fold(value))
    number = _MOBILE_PREFIX.sub("", number)
    if not _MOBILE.match(number):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 13–19, e.g. 13812345678."),
            code="mobile")
    return number


# --- Tracking codes --------------------------------------------------------------------------
#
# Eight symbols from a 30-symbol alphabet with no 0/O, 1/I/L or U, then one check symbol; shown
# grouped as ABCD-EFGH-J, stored as the nine symbols.
#
# The check: give the symbols their alphabet positions v1..v9 (0–29) and require
#
#     1·v1 + 2·v2 + … + 9·v9 ≡ 0 (mod 31).
#
# 31 is prime and larger than every value and every weight, so
# * replacing one symbol a by b ≠ a at position i changes the sum by i·(b − a); neither factor is
#   a multiple of 31 (1 ≤ i ≤ 9, 0 < |b − a| ≤ 29), so the product is not: every single-symbol
#   error is caught, including one in the check symbol;
# * swapping different symbols a, b at positions i ≠ j changes the sum by (i − j)·(b − a), again a
#   product of two non-multiples of 31: every transposition is caught, adjacent or not.
# The check value v9 = −7·S mod 31 (7 is 9⁻¹ mod 31, S the weighted sum of the body) ranges over
# 31 values but the alphabet has 30 symbols, so a body whose check would be 30 is never issued:
# `new_tracking_code` draws again (1 body in 31). The exhaustive test is in
# tests/gov_services/test_identifiers.py.

TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_BODY_LENGTH = 8
TRACKING_LENGTH = TRACKING_BODY_LENGTH + 1
_MODULUS = 31
_INVERSE_OF_CHECK_WEIGHT = pow(TRACKING_LENGTH, -1, _MODULUS)
_VALUE = {symbol: i for i, symbol in enumerate(TRACKING_ALPHABET)}
_NEVER_IN_CODES = "0O1ILU"


def tracking_check_symbol(body: str) -> str | None:
    """The check symbol for an 8-symbol body, or None for the 1 body in 31 that has none."""
    weighted = sum(i * _VALUE[c] for i, c in enumerate(body, start=1))
    value = -_INVERSE_OF_CHECK_WEIGHT * weighted % _MODULUS
    return TRACKING_ALPHABET[value] if value < len(TRACKING_ALPHABET) else None


def new_tracking_code(rng=secrets) -> str:
    """A fresh random code, 9 symbols without separators (e.g. "7KQ4M2XBY"). `rng` needs `choice`."""
    while True:
        body = "".join(rng.choice(TRACKING_ALPHABET) for _i in range(TRACKING_BODY_LENGTH))
        check = tracking_check_symbol(body)
        if check is not None:
            return body + check


def format_tracking_code(code: str) -> str:
    """For display, receipts and reading aloud: "7KQ4-M2XB-Y"."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def normalise_tracking_code(text: str) -> str:
    """The 9-symbol code from what a resident typed, or ValidationError.

    Case, spaces, dashes and full-width characters do not matter. 0, O, 1, I, L and U are never
    part of a code; rather than guess which symbol was meant, they are refused with a hint.
    """
    code = _SEPARATORS.sub("", _fold(text)).upper()
    confusing = sorted(set(code) & set(_NEVER_IN_CODES))
    if confusing:
        raise ValidationError(
            _("Tracking codes never contain %(chars)s (to avoid confusion with similar symbols); "
              "please check the code on your receipt."),
            code="tracking_confusable", params={"chars": "、".join(confusing)})
    if len(code) != TRACKING_LENGTH or any(c not in _VALUE for c in code):
        raise ValidationError(
            _("A tracking code has 9 letters and digits, e.g. 7KQ4-M2XB-Y."), code="tracking_shape")
    if tracking_check_symbol(code[:TRACKING_BODY_LENGTH]) != code[TRACKING_BODY_LENGTH]:
        raise ValidationError(
            _("This tracking code has a typing error; please check it against your receipt."),
            code="tracking_checksum")
    return code


def is_valid_tracking_code(code: str) -> bool:
    """Whether `code`, however formatted (see normalise_tracking_code), is a well-formed code."""
    try:
        normalise_tracking_code(code)
    except ValidationError:
        return False
    return True
