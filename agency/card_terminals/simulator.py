"""A card reader that lives in this process: the demo's and the tests' stand-in for a Stripe reader.

Outcomes follow the amount's last two fen digits, as Stripe's simulated readers do, so a demo or a
test can ask for each one:
* .01 — declined: the bank asks the resident to call the card issuer;
* .05 — declined (generic);
* .51 — declined: insufficient funds;
* .97 — the reader does not answer (outcome "unknown"); whether the card was charged after all is
  decided by the reference (stable), and `status` tells;
* anything else is approved, except that `decline_rate` and `timeout_rate` (0.0–1.0) add random
  declines and timeouts, `refund_failure_rate` refused refunds, and `latency_ms` sleeps before every
  answer, as a resident fumbling with a card would.
Charges and refunds are remembered by idempotency key: the same key never charges twice.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from agency.card_terminals.base import CardOutcome, RefundOutcome

BRANDS = ("unionpay", "unionpay", "unionpay", "visa", "mastercard")


def _digest(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


@dataclass
class SimulatedCharge:
    reference: str
    amount_fen: int
    outcome: CardOutcome
    refunded_fen: int = 0
    refunds: dict[str, RefundOutcome] = field(default_factory=dict)


class SimulatorTerminal:
    def __init__(self, *, latency_ms: int = 0, decline_rate: float = 0.0, timeout_rate: float = 0.0,
                 refund_failure_rate: float = 0.0, seed: int | None = None) -> None:
        self.latency_ms = latency_ms
        self.decline_rate = decline_rate
        self.timeout_rate = timeout_rate
        self.refund_failure_rate = refund_failure_rate
        self.random = random.Random(seed)
        self.charges: dict[str, SimulatedCharge] = {}  # by idempotency key
        self.charge_calls = 0
        self._lock = threading.Lock()

    def _wait(self) -> None:
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)

    def charge(self, *, station, amount_fen: int, reference: str, idempotency_key: str) -> CardOutcome:
        self._wait()
        with self._lock:
            self.charge_calls += 1
            known = self.charges.get(idempotency_key)
            if known is not None:  # a retry: the first charge's result, never a second charge
                return known.outcome
            outcome, answer = self._decide(amount_fen, reference)
            self.charges[idempotency_key] = SimulatedCharge(reference=reference, amount_fen=amount_fen, outcome=outcome)
        return answer

    def _decide(self, amount_fen: int, reference: str) -> tuple[CardOutcome, CardOutcome]:
        """(what really happened, what the reader answers now): they differ only on a timeout."""
        ending = amount_fen % 100
        declines = {1: _("Declined by the bank: the resident should call the card issuer."),
                    5: _("Declined by the bank."), 51: _("Declined by the bank: insufficient funds.")}
        if ending in declines:
            declined = CardOutcome("declined", message=declines[ending])
            return declined, declined
        roll = self.random.random()
        if roll < self.decline_rate:
            declined = CardOutcome("declined", message=_("Declined by the bank."))
            return declined, declined
        approved = self._approved(reference)
        if ending == 97 or roll < self.decline_rate + self.timeout_rate:
            truth = approved if _digest(reference) % 2 == 0 else CardOutcome(
                "declined", message=_("The card was not charged."))
            return truth, CardOutcome("unknown", message=_("The card reader did not answer in time."))
        return approved, approved

    @staticmethod
    def _approved(reference: str) -> CardOutcome:
        seed = _digest(reference)
        return CardOutcome("approved", charge_id=f"ch_sim_{seed % 10**12:012d}", brand=BRANDS[seed % len(BRANDS)],
                           last4=f"{(seed // 7) % 10_000:04d}")

    def status(self, *, station, reference: str) -> CardOutcome:
        self._wait()
        with self._lock:
            for charge in self.charges.values():
                if charge.reference == reference:
                    return charge.outcome
        return CardOutcome("declined", message=_("The card terminal has no charge under this reference."))

    def refund(self, *, charge_id: str, amount_fen: int, idempotency_key: str) -> RefundOutcome:
        self._wait()
        with self._lock:
            charge = next((c for c in self.charges.values() if c.outcome.charge_id == charge_id
                           and c.outcome.status == "approved"), None)
            if charge is None:
                return RefundOutcome("failed", message=_("The card terminal knows no such charge."))
            if idempotency_key in charge.refunds:
                return charge.refunds[idempotency_key]
            if amount_fen > charge.amount_fen - charge.refunded_fen:
                return RefundOutcome("failed", message=_("The refund exceeds what is left of the charge."))
            if self.random.random() < self.refund_failure_rate:
                return RefundOutcome("unknown", message=_("The card terminal did not confirm the refund."))
            charge.refunded_fen += amount_fen
            outcome = RefundOutcome("refunded", refund_id=f"re_sim_{_digest(idempotency_key) % 10**12:012d}")
            charge.refunds[idempotency_key] = outcome
        return outcome

    def refunded_fen(self, charge_id: str) -> int:
        """What has gone back to the card of `charge_id` (for tests and the demo)."""
        return sum(c.refunded_fen for c in self.charges.values() if c.outcome.charge_id == charge_id)
