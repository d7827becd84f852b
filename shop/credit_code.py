"""The unified social credit code (统一社会信用代码, GB 32100-2015). Pure: no ORM.

18 characters from a 31-letter alphabet (digits and capitals without I, O, S, V, Z):
1 registration authority, 2 organisation type, 3–8 the administrative division code,
9–17 the organisation code, 18 a check character computed over the first 17.
"""

import unicodedata
from typing import Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# The weight of position i is 3**i mod 31 (GB 32100-2015 §5.1).
WEIGHTS: Final = tuple(pow(3, i, 31) for i in range(17))
AUTHORITIES: Final = frozenset("123456789ANY")


def normalise(text: str) -> str:
    """Upper case, half width, without the spaces people type between groups."""
    return "".join(unicodedata.normalize("NFKC", text or "").upper().split()).replace("-", "")


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(text: str) -> str:
    """The normalised code, or ValidationError saying what is wrong with it."""
    code = normalise(text)
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters; this one has %(n)d.")
                              % {"n": len(code)}, code="length")
    wrong = sorted({char for char in code if char not in ALPHABET})
    if wrong:
        raise ValidationError(_("The code may not contain %(chars)s (the letters I, O, S, V and Z are never used).")
                              % {"chars": "、".join(wrong)}, code="alphabet")
    if code[0] not in AUTHORITIES or not code[2:8].isdigit():
        raise ValidationError(_("This is not a unified social credit code: the first character names the "
                                "registering authority and characters 3–8 are a division code."), code="format")
    if check_character(code[:17]) != code[17]:
        raise ValidationError(_("The last character does not match the rest of the code: check it against "
                                "the business licence."), code="check")
    return code
