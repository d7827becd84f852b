"""Money: integer fen in the database and in code, yuan on screens and in forms — never float.

`parse_yuan` turns what a person typed into fen, `format_yuan` / `yuan_plain` turn fen into text, and
`YuanField` is the form field; templates use the filters of `{% load money %}`
(core/templatetags/money.py). Where a library wants Decimal yuan (Oscar's prices, number cells of a
spreadsheet), `yuan_decimal` and `fen_from_decimal` cross over exactly.

The parser reads digits itself instead of handing the text to Decimal: "1e999999", "NaN", "Infinity"
and a thousand-digit number are refused with a message before any arithmetic, so no exponent can
overflow and no special value can slip through.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MINUS = "−"  # U+2212: a real minus sign, easier to see on a thermal slip than a hyphen
MAX_YUAN_DIGITS = 13  # below 10**15 fen: far above any amount the till or the store accepts
_DECORATION = re.compile(r"[\s,¥元]")  # after NFKC: full-width ，and ￥ have become , and ¥
_AMOUNT = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?")


def parse_yuan(text) -> int:
    """"1,234.5" → 123450 fen. Accepts full-width digits, a ¥ sign, 元, grouping commas and spaces;
    at most two decimals. Raises ValidationError with a message for the person who typed it."""
    cleaned = _DECORATION.sub("", unicodedata.normalize("NFKC", str(text or ""))).replace(MINUS, "-")
    if not cleaned:
        raise ValidationError(_("Enter the amount in yuan, e.g. 125.50."), code="required")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None or not (match[2] or match[3]):
        raise ValidationError(_("Enter the amount in yuan with digits, e.g. 125.50."), code="invalid")
    sign, whole, fraction = match[1], match[2].lstrip("0"), (match[3] or "").rstrip("0")
    if len(fraction) > 2:
        raise ValidationError(_("Yuan have at most two decimals (fen)."), code="precision")
    if len(whole) > MAX_YUAN_DIGITS:
        raise ValidationError(_("This amount is too large."), code="too_large")
    fen = int(whole or "0") * 100 + int(fraction.ljust(2, "0"))
    return -fen if sign == "-" else fen


def fen_of(value) -> int | None:
    """A whole number of fen from an int or its text; None for anything else (None, "", "1.5", True)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def yuan_plain(value) -> str:
    """1234.56 from 123456 fen (-1234.56 when negative): for inputs and CSV cells; "" when not fen."""
    fen = fen_of(value)
    if fen is None:
        return ""
    whole, cents = divmod(abs(fen), 100)
    return f"{'-' if fen < 0 else ''}{whole}.{cents:02d}"


def format_yuan(value) -> str:
    """¥1,234.56 from 123456 fen; −¥12.00 when negative; "" for None or something not a whole number."""
    fen = fen_of(value)
    if fen is None:
        return ""
    whole, cents = divmod(abs(fen), 100)
    return f"{MINUS if fen < 0 else ''}¥{whole:,}.{cents:02d}"


def yuan_decimal(value) -> Decimal | None:
    """Decimal("1234.56") from 123456 fen, always two places (Decimal("0.00") from 0): exact, for Oscar's
    prices and number cells of a spreadsheet; None when not fen."""
    text = yuan_plain(value)
    return Decimal(text) if text else None


def fen_from_decimal(amount: Decimal | int) -> int:
    """Oscar's Decimal yuan (or whole yuan) → integer fen; a fraction of a fen, which Oscar's two-place
    prices never carry, rounds half to even. Float and NaN/Infinity are refused (ValueError)."""
    if isinstance(amount, int) and not isinstance(amount, bool):
        return amount * 100
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount.adjusted() > 40:
        raise ValueError(f"Not a finite Decimal amount of yuan: {amount!r}")
    with localcontext() as exact:
        exact.prec = len(amount.as_tuple().digits) + 45  # room for every digit: never rounds but to the fen
        return int(amount.scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def format_signed_yuan(value) -> str:
    """+¥1.00 / −¥1.00 / ¥0.00: a variance."""
    fen = fen_of(value)
    text = format_yuan(value)
    return f"+{text}" if fen is not None and fen > 0 else text


class YuanField(forms.Field):
    """A yuan amount typed by a person, cleaned to integer fen (`min_fen` inclusive; None: no minimum)."""

    widget = forms.TextInput

    def __init__(self, *, min_fen: int | None = 0, **kwargs):
        self.min_fen = min_fen
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "class": "cz-money-input", "maxlength": "20"})
        return attrs

    def prepare_value(self, value):
        return yuan_plain(value) if isinstance(value, int) and not isinstance(value, bool) else value

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        fen = parse_yuan(value)
        if self.min_fen is not None and fen < self.min_fen:
            raise ValidationError(_("The amount must be at least %(low)s.") % {"low": format_yuan(self.min_fen)},
                                  code="min_value")
        return fen
