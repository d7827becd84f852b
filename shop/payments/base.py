"""The interface every payment provider implements. Amounts are integer fen."""

from dataclasses import dataclass
from typing import Protocol

from django.utils.translation import gettext_lazy as _

# What the resident reads when a card does not go through (codes as Stripe names them).
DECLINE_MESSAGES = {
    "card_declined": _("Your bank card was declined. Nothing was charged and your basket is unchanged: "
                       "try another card, or choose cash at the station."),
    "insufficient_funds": _("The card has too little money on it. Nothing was charged and your basket "
                            "is unchanged: try another card, or choose cash at the station."),
    "incorrect_number": _("That card number is not valid. Check the digits and try again."),
    # Stripe's code for confirming a PaymentIntent that was cancelled (the sweep closes stale attempts).
    "payment_intent_unexpected_state": _("This card payment was closed because the page was left open too "
                                         "long. Nothing was charged: reload the page and pay again."),
}


def decline_message(code: str) -> str:
    return str(DECLINE_MESSAGES.get(code, DECLINE_MESSAGES["card_declined"]))


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

    def intent_status(self, *, external_id: str) -> str | None:
        """Ask the provider how a started card payment stands: "succeeded" (the card went through;
        the signed notification still decides "paid"), "declined", "pending" — or None when the
        provider keeps no state to ask, and only its notifications tell."""

    def refund(self, *, external_id: str, amount_fen: int, reference: str) -> str:
        """Give `amount_fen` back; returns the provider's refund reference. Raises on failure."""

    def cancel(self, *, external_id: str) -> None:
        """Close a started payment that was never paid, so that it can no longer take money (a card
        attempt left behind in the checkout). Already closed counts as done. Raises on failure, e.g.
        when the payment went through meanwhile (it is then refunded instead)."""

    def parse_webhook(self, *, payload: bytes, signature: str) -> ProviderEvent: ...
