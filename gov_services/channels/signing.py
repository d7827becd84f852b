"""How a webhook delivery is signed (pure: no ORM, no I/O). Documented for receivers in the README.

    X-Cunzhan-Timestamp: 1765000000                 (Unix seconds when this attempt was sent)
    X-Cunzhan-Signature: sha256=<hex>               HMAC-SHA256(channel secret, "<timestamp>.<raw body>")
    X-Cunzhan-Delivery:  42                         (the outbox row: the same on every retry and replay)

A receiver recomputes the HMAC over the timestamp, a full stop and the raw body bytes, compares it in
constant time, refuses timestamps more than TOLERANCE_SECONDS away from its clock (a replayed capture),
and ignores a delivery id it has already processed (retries and replays resend the same id).
"""

import hashlib
import hmac
from typing import Final

TIMESTAMP_HEADER: Final = "X-Cunzhan-Timestamp"
SIGNATURE_HEADER: Final = "X-Cunzhan-Signature"
DELIVERY_HEADER: Final = "X-Cunzhan-Delivery"
EVENT_HEADER: Final = "X-Cunzhan-Event"
TOLERANCE_SECONDS: Final = 300


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def signature_valid(*, secret: str, timestamp: str, body: bytes, header: str, now: int) -> bool:
    """What a receiver does (and what our tests' receiver does)."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - sent) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret=secret, timestamp=sent, body=body), header or "")
