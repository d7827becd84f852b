"""How personal data is shown where it need not be read in full: lists, receipts, exports, reports.

The one masking policy of the project; no app masks personal data any other way.

| data | masked | kept |
| --- | --- | --- |
| resident ID number (18) | 110105********002X | the area code (first 6) and what follows the birth date (last 4) |
| old resident ID number (15) | 110105******002 | the area code (first 6) and what follows the birth date (last 3) |
| mobile number | 139****0001 | the first 3 and the last 4 (a +86 / 0086 prefix, spaces and dashes dropped) |
| name | 张*明, 李*, 欧**文 | the first character and, from three characters on, the last |
| bank card | 6217 **** **** 1234 | the first 4 (the bank) and the last 4 |

The birth date in an ID number is never shown masked. Anything that is not the shape its mask
expects (a short or mistyped ID number, a landline) is masked completely, character for character,
so a page never shows more than the policy allows. A name is cut the same way whatever its surname:
a compound surname (欧阳) is not told apart, there is no list of surnames to keep up. A
single-character name is shown as it is (it is the first character).

Who sees what (who may see a record at all is stations/scope's rule):
- in full: a household's own page, for those scope's `can_see_households_in_full` names (the grid's
  liaison, its station's operators, the admins of its place), each showing an audit event
  (core/audit.py); a request's page, ID and phone numbers in its e-form too, for the officers of
  the department handling it (they check the number against the scans and issue the result).
- masked: every list and export (households, requests, the counter's service ledger); a request's
  page for the counter, the resident and the admins who supervise it; receipts, till slips and the
  certificate's default layout; the import reports of staff files; the message that a code was sent (phone);
  the public tracking and certificate-check pages (name); a bill provider's look-up (name).
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-()‐‑–—]+")
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1\d{10})")
_ID_NUMBER = re.compile(r"\d{17}[\dX]|\d{15}")


def _compact(value: str) -> str:
    """Full-width characters folded to ASCII, spaces and dashes dropped."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))


def mask_id_number(value: str) -> str:
    """110105********002X for an 18-character number, 110105******002 for an old 15-digit one: the area
    code and the characters after the birth date kept. Anything else is masked completely."""
    number = _compact(value).upper()
    if not _ID_NUMBER.fullmatch(number):
        return "*" * len((value or "").strip())
    tail = 4 if len(number) == 18 else 3
    return number[:6] + "*" * (len(number) - 6 - tail) + number[-tail:]


def mask_mobile(value: str) -> str:
    """139****0001, also for +86 139 0000 0001; anything but a mainland mobile number is masked
    completely."""
    match = _MOBILE.fullmatch(_compact(value))
    if match is None:
        return "*" * len((value or "").strip())
    number = match.group(1)
    return number[:3] + "****" + number[-4:]


def mask_name(name: str) -> str:
    """张*明: the first and last character kept, the middle hidden (张* for two characters)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_bank_card(value: str) -> str:
    """6217 **** **** 1234: the issuing bank's first 4 digits and the last 4; a number shorter than
    10 digits is masked completely."""
    number = _compact(value)
    if len(number) < 10:
        return "*" * len(number)
    return f"{number[:4]} **** **** {number[-4:]}"
