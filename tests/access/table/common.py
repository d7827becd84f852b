"""What the table's parts share: the answers and ids that many rows use, and the values a POST body
makes fresh each time (an idempotency key, last month)."""

from __future__ import annotations

import uuid

from core.timeutil import last_full_month
from tests.access.policy import Expect, ok

MISSING = 987654321
REDIRECT = ok(302)
# A form naming another's object in its body: re-shown with an error, or refused — not carried out (302).
FORM_REFUSED = Expect("form refused", (200, 400, 403, 404, 422))
FILE = ok(200)


def key() -> str:
    return str(uuid.uuid4())


def last_month() -> str:
    return f"{last_full_month():%Y-%m}"
