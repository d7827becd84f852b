"""The interface every payment provider implements. Amounts are integer fen."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ProviderStart:
    """What a provider returns when a payment begins: its reference and what the browser needs."""

    external_id: str = ""
    client_secret: str = ""


@dataclass(frozen=True)
class ProviderEvent:
    """A verified notification from a provider, reduced to what the shop acts on.

    kind: "succeeded" | "failed" | "refunded" | "other".
    """

    event_id: str
    kind: str
    external_id: str
    amount_fen: int = 0
    raw_type: str = ""


class WebhookRejected(Exception):
    """A notification whose signature or content does not check out; nothing was recorded."""


class PaymentProvider(Protocol):
    code: str
    label: str
    # True for money taken by a person (cash at the counter or on delivery): the payment is
    # recorded when the goods are handed over, not when the order is placed.
    settles_on_handover: bool

    def is_available(self) -> bool: ...

    def start(self, *, payment_id: int, order_number: str, amount_fen: int) -> ProviderStart: ...

    def refund(self, *, external_id: str, amount_fen: int, reference: str) -> str:
        """Give `amount_fen` back; returns the provider's refund reference. Raises on failure."""

    def parse_webhook(self, *, payload: bytes, signature: str) -> ProviderEvent: ...
