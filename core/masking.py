"""How personal data is shown where it need not be read in full: lists, receipts, exports, reports.

The one masking policy of the project. Who may see a record in full is stations/scope.py's rule;
a page showing it in full records an audit event (core/audit.py).

| data | masked | kept |
| --- | --- | --- |
| resident ID number | 110101********123X | the area code (first 6) and the last 4 |
| mobile number | 139****0001 | the first 3 and the last 4 |
| name | 张*明, 张* | the first character and, from three characters on, the last |
"""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """First 6 and last 4 characters of an 18-character number, the birth date and sequence hidden:
    110101********123X. Anything else is masked completely."""
    value = value or ""
    if len(value) == 18:
        return f"{value[:6]}{'*' * 8}{value[-4:]}"
    return "*" * len(value)


def mask_mobile(value: str) -> str:
    """139****0001; anything but an 11-digit number is masked completely."""
    value = value or ""
    return value[:3] + "****" + value[-4:] if len(value) == 11 else "*" * len(value)


def mask_name(name: str) -> str:
    """张*明: the first and last character kept, the middle hidden (张* for two characters)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
