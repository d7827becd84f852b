"""Money in the till's pages: `{% load agency_money %}` then `{{ tx.amount_fen|yuan }}` → ¥1,234.56.

Amounts are integer fen everywhere; these helpers only format them, with integer arithmetic (no
float). Python code (receipts, CSV) imports `format_yuan` / `yuan_plain` from here too.
"""

from django import template

register = template.Library()
MINUS = "−"  # U+2212: a real minus sign, easier to see on a thermal slip than a hyphen


def _fen(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def yuan_plain(value) -> str:
    """1234.56 from 123456 fen (−1234.56 when negative): for inputs and CSV cells."""
    fen = _fen(value)
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def format_yuan(value) -> str:
    """¥1,234.56 from 123456 fen; −¥12.00 when negative; "" for None or something not a whole number."""
    fen = _fen(value)
    if fen is None:
        return ""
    whole, cents = divmod(abs(fen), 100)
    return f"{MINUS if fen < 0 else ''}¥{whole:,}.{cents:02d}"


@register.filter
def yuan(value) -> str:
    return format_yuan(value)


@register.filter
def yuan_input(value) -> str:
    return yuan_plain(value)


@register.filter
def signed_yuan(value) -> str:
    """+¥1.00 / −¥1.00 / ¥0.00: a variance."""
    fen = _fen(value)
    text = format_yuan(value)
    return f"+{text}" if fen is not None and fen > 0 else text
