"""Identifiers a resident gives or receives: resident ID number, mobile number, tracking code.

Pure functions (no ORM). The ID number and the mobile number are checked by core/validators.py
(every app shares them; the checks are named here too for gov_services' callers) and masked by
core/masking.py; the tracking code is gov_services' own. Validators return the normalised value or raise
ValidationError with a message meant for the field it came from. Input typed with a Chinese IME is
welcome: full-width digits and letters (１２３Ｘ) are folded to ASCII first (Unicode NFKC).
"""

from __future__ import annotations

import re
import secrets

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.validators import ID_CHECK_CHARS, id_check_character, validate_id_number, validate_mobile
from core.validators import fold as _fold

__all__ = [
    "ID_CHECK_CHARS", "TRACKING_ALPHABET", "format_tracking_code", "id_check_character", "is_valid_tracking_code",
    "new_tracking_code", "normalise_tracking_code", "tracking_check_symbol",
    "validate_id_number", "validate_mobile",
]

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−_.·]+")


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
