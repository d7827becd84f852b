"""Personal identifiers every app checks the same way: the resident ID number and the mainland mobile number.

Pure functions (no ORM). Each returns the normalised value or raises ValidationError with a message
meant for the field it came from. Input typed with a Chinese IME is welcome: full-width digits and
letters (１２３Ｘ) are folded to ASCII first (Unicode NFKC). How the numbers are shown masked is
core/masking.py's business.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.timeutil import local_date


def fold(value: str) -> str:
    """Full-width characters as ASCII (NFKC)."""
    return unicodedata.normalize("NFKC", value or "")


# --- Resident ID number (居民身份证号码, GB 11643-1999) ------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_NUMBER_LENGTH = 18
# The shape after folding and upper-casing; also the browser's `pattern` (HTML patterns match the whole
# value, as fullmatch does), with a lower-case x allowed there because the server upper-cases it.
ID_NUMBER_SHAPE = "[0-9]{17}[0-9X]"
_ID_SHAPE = re.compile(ID_NUMBER_SHAPE)
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
    number = re.sub(r"\s+", "", fold(value)).upper()
    if len(number) != 18:
        raise ValidationError(
            _("An ID card number has 18 characters; this one has %(length)d."),
            code="id_length", params={"length": len(number)})
    if not _ID_SHAPE.fullmatch(number):
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
    if born > (today or local_date()):
        raise ValidationError(
            _("The birth date in this ID card number (%(digits)s) is in the future."),
            code="id_birth_future", params={"digits": number[6:14]})
    if id_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("This ID card number's last character does not match the others; please check every digit."),
            code="id_checksum")
    return number


# --- Mainland mobile number ----------------------------------------------------------------

MOBILE_LENGTH = 11
MOBILE_SHAPE = "1[3-9][0-9]{9}"
_MOBILE = re.compile(MOBILE_SHAPE)
_MOBILE_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=\d{11}$)")


def validate_mobile(value: str) -> str:
    """The 11-digit mainland mobile number, or ValidationError.

    Spaces, dashes and parentheses are ignored, and a +86 / 0086 / 86 country prefix is dropped.
    """
    number = re.sub(r"[\s\-()‐‑–—]+", "", fold(value))
    number = _MOBILE_PREFIX.sub("", number)
    if not _MOBILE.fullmatch(number):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 13–19, e.g. 13812345678."),
            code="mobile")
    return number


# --- Browser-side hints, made from the rules above ----------------------------------------------
# The server stays the authority (it also folds full-width digits, spaces and a +86 prefix); these
# attributes only let the browser show the right keyboard, stop at the right length and mark a value
# of the wrong shape before it is sent.

def id_number_input_attrs() -> dict[str, str]:
    """HTML attributes of an ID number input: 18 characters, 17 digits then a digit or X."""
    return {"maxlength": str(ID_NUMBER_LENGTH), "pattern": ID_NUMBER_SHAPE[:-1] + "Xx]", "autocomplete": "off",
            "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"}


def mobile_input_attrs() -> dict[str, str]:
    """HTML attributes of a mobile number input: 11 digits on the numeric keypad (an input of type tel)."""
    return {"inputmode": "numeric", "maxlength": str(MOBILE_LENGTH), "pattern": MOBILE_SHAPE,
            "autocomplete": "off"}
