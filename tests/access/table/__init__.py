"""The expectation table of the access matrix: one row per URL pattern (tests/access/test_matrix.py).

A row says who has the page's workspace (policy.PUBLIC, SIGNED_IN, or a set of roles; the superuser
too unless `superuser=False`), which object its URL names (`Obj`: the world's kind and state, and
which kwarg takes which attribute), what an allowed GET answers (`ok`) and how a POST is exercised
(`Post`: a form a permitted user would send, and the role whose POST of it must change the
database). From that the runner derives every cell: anonymous → sign in; no workspace → 403;
own object → `ok`; an object of another station / department / township / county / merchant /
resident, or a missing id → 404.

The rows live in one module per app or area (`ROWS` in each, beside the helpers that build their POST
bodies and URLs; what several share is in `common`); `EXPECTATIONS` is their union, and a key that
two modules define stops the import.

Every cell is asserted: a change that makes a page answer otherwise fails the suite. When many cells
fail at once, `python -m tests.access.report` groups them by cause (see tests/access/report.py).
"""

from __future__ import annotations

from tests.access.patterns import Pattern
from tests.access.policy import Case
from tests.access.table import (
    accounts,
    agency_office,
    agency_till,
    care,
    gov_catalogue,
    gov_certificates,
    gov_channels,
    gov_requests,
    gov_supervision,
    oscar,
    portal,
    reports,
    shop,
    stations,
)

PARTS = (accounts, stations, gov_catalogue, gov_requests, gov_supervision, gov_certificates, gov_channels,
         agency_till, agency_office, shop, reports, care, portal, oscar)


def _merged(parts) -> dict[str, Case]:
    """The parts' rows in one dict; a key defined by two parts is an error, not a silent override."""
    merged: dict[str, Case] = {}
    for part in parts:
        twice = sorted(merged.keys() & part.ROWS.keys())
        if twice:
            raise ValueError(f"{part.__name__} defines rows another part of the table already has: {twice}")
        merged.update(part.ROWS)
    return merged


EXPECTATIONS: dict[str, Case] = _merged(PARTS)


def case_for(pattern: Pattern) -> Case | None:
    """The pattern's row: by its key, else the longest "prefix/*" row its route falls under."""
    if pattern.key in EXPECTATIONS:
        return EXPECTATIONS[pattern.key]
    prefixes = [k for k in EXPECTATIONS if k.endswith("/*") and pattern.route.startswith(k[:-1])]
    return EXPECTATIONS[max(prefixes, key=len)] if prefixes else None


def stale_keys(patterns: list[Pattern]) -> list[str]:
    keys = {p.key for p in patterns}
    return sorted(k for k in EXPECTATIONS if k not in keys and not (
        k.endswith("/*") and any(p.route.startswith(k[:-1]) for p in patterns)))
