"""What every card terminal answers.

`charge` takes the money from the card presented on the station's reader; `refund` gives (part of)
a charge back; `status` says what became of a charge whose answer was lost (by our reference).
None of them raises on a decline or a timeout — those are outcomes: "declined" means no money was
taken, "unknown" means the terminal cannot say (the caller must find out later with `status`).

Idempotency: `charge` is called with the counter transaction's reference as its key, so a retry
(a resend, a crash and a reconciliation) never charges the card twice; `refund` likewise with a
key derived from the reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

ChargeStatus = Literal["approved", "declined", "unknown"]
RefundStatus = Literal["refunded", "failed", "unknown"]


@dataclass(frozen=True)
class CardOutcome:
    status: ChargeStatus
    charge_id: str = ""
    brand: str = ""  # lower case, as Stripe names them: "unionpay", "visa", "mastercard" …
    last4: str = ""
    message: str = ""  # for the operator, already translated


@dataclass(frozen=True)
class RefundOutcome:
    status: RefundStatus
    refund_id: str = ""
    message: str = ""


class CardTerminal(Protocol):
    def charge(self, *, station, amount_fen: int, reference: str, idempotency_key: str) -> CardOutcome: ...

    def refund(self, *, charge_id: str, amount_fen: int, idempotency_key: str) -> RefundOutcome: ...

    def status(self, *, station, reference: str) -> CardOutcome: ...
