"""How the till's set-up is written by people: percentages, yuan lists, slab bands, choices, yes/no.

One reader and one writer for each, used by the set-up forms (agency/forms_setup.py) and the
spreadsheet imports (agency/services/setup_import.py), so that a screen and a file accept the
same text. Nothing here uses float: rates are basis points (1/100 of a percent), amounts fen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from core.money import parse_yuan, yuan_plain

_PERCENT = re.compile(r"([0-9]{1,5})(?:\.([0-9]{0,2}))?%?")
_LIST_SEPARATORS = re.compile(r"[;、/|\s]+")
_NO_UPPER_LIMIT = ("", "*", "以上", "及以上", "不限", "无上限")
YES = ("是", "y", "yes", "true", "1", "启用", "有")
NO = ("否", "n", "no", "false", "0", "停用", "无")


def _clean(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def parse_percent(text, *, most_bp: int = 10_000) -> int:
    """"2.5" or "2.5%" → 250 basis points; at most two decimals, never above `most_bp`."""
    cleaned = _clean(text).replace(" ", "")
    match = _PERCENT.fullmatch(cleaned)
    if match is None:
        raise ValidationError(_("Enter a percentage with digits, e.g. 2.5 (at most two decimals)."), code="invalid")
    bp = int(match[1]) * 100 + int((match[2] or "").ljust(2, "0"))
    if bp > most_bp:
        raise ValidationError(_("The percentage cannot exceed %(most)s %%.") % {"most": format_percent(most_bp)},
                              code="too_large")
    return bp


def format_percent(bp: int) -> str:
    """250 → "2.5"; 7000 → "70"; 3 → "0.03"."""
    whole, part = divmod(int(bp), 100)
    return f"{whole}.{part:02d}".rstrip("0").rstrip(".") if part else str(whole)


def parse_yuan_list(text) -> list[int]:
    """"30;50;100" (or separated by 、 / spaces) → [3000, 5000, 10000] fen, ascending, no repeats."""
    parts = [part for part in _LIST_SEPARATORS.split(_clean(text).replace("；", ";")) if part]
    amounts = sorted({parse_yuan(part) for part in parts})
    if any(amount <= 0 for amount in amounts):
        raise ValidationError(_("Fixed amounts must be above zero."), code="min_value")
    return amounts


def format_yuan_list(amounts: Iterable[int]) -> str:
    return ";".join(yuan_plain(amount) for amount in amounts)


def parse_slabs(text) -> list[dict]:
    """"100:0:0.30; 500:0:0.60; 以上:0.2:0" → bands of (upper limit in yuan, rate %, flat yuan each),
    ascending; the last band has no upper limit (以上, * or empty). Their order is agency/tariffs.py's
    to check; here only each band's numbers."""
    bands = [band for band in re.split(r"[;\n]", _clean(text).replace("；", ";")) if band.strip()]
    if not bands:
        raise ValidationError(_("A slab tariff needs at least one band."), code="required")
    slabs = []
    for position, band in enumerate(bands, start=1):
        parts = [part.strip() for part in band.replace("：", ":").split(":")]
        if len(parts) != 3:
            raise ValidationError(_("Band %(n)d: write upper limit:rate %%:amount per transaction, e.g. "
                                    "100:0:0.30.") % {"n": position}, code="invalid")
        upper, rate, flat = parts
        try:
            slabs.append({"up_to_fen": None if upper in _NO_UPPER_LIMIT else parse_yuan(upper),
                          "rate_bp": parse_percent(rate or "0"), "flat_fen": parse_yuan(flat or "0")})
        except ValidationError as error:
            raise ValidationError(_("Band %(n)d: %(problem)s") % {"n": position, "problem": " ".join(error.messages)},
                                  code="invalid") from error
    return slabs


def format_slabs(slabs: Iterable[dict]) -> str:
    return "; ".join(f"{'以上' if s.get('up_to_fen') is None else yuan_plain(s['up_to_fen'])}:"
                     f"{format_percent(s.get('rate_bp', 0))}:{yuan_plain(s.get('flat_fen', 0))}" for s in slabs)


def parse_yes_no(text, *, default: bool | None = None) -> bool:
    cleaned = _clean(text).lower()
    if not cleaned and default is not None:
        return default
    if cleaned in YES:
        return True
    if cleaned in NO:
        return False
    raise ValidationError(_("Write 是 or 否."), code="invalid")


def format_yes_no(value: bool) -> str:
    return "是" if value else "否"


def choice_lookup(choices) -> dict[str, str]:
    """Every way a file may name a choice → its value: the value itself, its Chinese and English labels."""
    found: dict[str, str] = {}
    for value, label in choices:
        found[str(value).lower()] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                found[_clean(str(label)).lower()] = value
    return found


def parse_choice(text, lookup: dict[str, str], *, default: str | None = None) -> str:
    cleaned = _clean(text).lower()
    if not cleaned and default is not None:
        return default
    if cleaned in lookup:
        return lookup[cleaned]
    shown = sorted({key for key in lookup if not key.isascii()}) or sorted(lookup)
    raise ValidationError(_("“%(value)s” is not one of: %(choices)s.") % {"value": _clean(text), "choices": "、".join(shown)},
                          code="invalid_choice")


def zh_label(choices, value: str) -> str:
    """A choice's Chinese label, as the example files and exports write it."""
    with translation.override("zh-hans"):
        return str(dict(choices).get(value, value))
