"""What the operator typed to find a resident: a mobile number, an ID card number, a tracking code or a
name (pure: no queries)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gov_services.identifiers import is_valid_tracking_code, normalise_tracking_code

MOBILE = re.compile(r"^1[3-9]\d{9}$")
ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
_SPACES = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class Who:
    """The resident as the counter knows them; any field may be empty."""

    name: str = ""
    phone: str = ""
    id_number: str = ""
    tracking_code: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.phone or self.id_number or self.tracking_code)


def classify(text: str) -> Who:
    """'13812345678' → phone; an 18-character ID number → id_number; a valid tracking code → tracking_code;
    anything else (trimmed, up to 60 characters) → name."""
    raw = (text or "").strip()
    compact = _SPACES.sub("", raw)
    if not compact:
        return Who()
    if MOBILE.match(compact):
        return Who(phone=compact)
    if ID_NUMBER.match(compact):
        return Who(id_number=compact.upper())
    if is_valid_tracking_code(compact):
        return Who(tracking_code=normalise_tracking_code(compact))
    return Who(name=raw[:60])
