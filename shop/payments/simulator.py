"""A stand-in for a card gateway in the demo, when no STRIPE_* keys are set.

It behaves like Stripe from the shop's side: a payment gets an id and a client secret, and
it is paid only when a signed notification arrives — which the simulated card page sends
to our own webhook handling, signed with a key derived from SECRET_KEY.
"""

import hashlib
import hmac
import json
import uuid

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shop.payments.base import ProviderEvent, ProviderStart, WebhookRejected


def _key() -> bytes:
    return hashlib.sha256(f"card-simulator:{settings.SECRET_KEY}".encode()).digest()


def sign(payload: bytes) -> str:
    return hmac.new(_key(), payload, hashlib.sha256).hexdigest()


def simulated_event(*, external_id: str, kind: str, amount_fen: int) -> tuple[bytes, str]:
    """A notification as the simulated gateway would send it: (payload, signature)."""
    payload = json.dumps({"id": f"simev_{uuid.uuid4().hex}", "kind": kind, "intent": external_id,
                          "amount": amount_fen}).encode()
    return payload, sign(payload)


# The simulated gateway answers by card number, like Stripe's test cards; any other number that
# passes the Luhn check goes through.
DECLINED_CARDS = {"4000000000000002": "card_declined", "4000000000009995": "insufficient_funds"}


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number]
    checksum = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])
    return checksum % 10 == 0


def card_outcome(card_number: str) -> str:
    """What the simulated gateway answers for a card: "succeeded", a decline code, or "incorrect_number"."""
    number = "".join(ch for ch in card_number if ch.isdigit())
    if not 12 <= len(number) <= 19 or not luhn_ok(number):
        return "incorrect_number"
    return DECLINED_CARDS.get(number, "succeeded")


class CardSimulatorProvider:
    code = "card_sim"
    label = _("Bank card (demo simulator, no real money)")
    settles_on_handover = False

    def is_available(self) -> bool:
        has_stripe = bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY)
        return settings.ENABLE_SIMULATORS and not has_stripe and getattr(settings, "SHOP_CARD_SIMULATOR", settings.DEBUG)

    def start(self, *, payment_id: int, order_number: str, amount_fen: int) -> ProviderStart:
        intent = f"simpi_{uuid.uuid4().hex}"
        return ProviderStart(external_id=intent, client_secret=f"{intent}_secret_{uuid.uuid4().hex[:12]}")

    def intent_status(self, *, external_id: str) -> str | None:
        return None  # the simulator keeps no state: its signed notifications tell

    def refund(self, *, external_id: str, amount_fen: int, reference: str) -> str:
        return f"simre_{uuid.uuid4().hex}"

    def cancel(self, *, external_id: str) -> None:
        return None  # no state here: the closed payment's status makes the demo gateway refuse it

    def parse_webhook(self, *, payload: bytes, signature: str) -> ProviderEvent:
        if not hmac.compare_digest(sign(payload), signature or ""):
            raise WebhookRejected("bad signature")
        data = json.loads(payload)
        return ProviderEvent(event_id=data["id"], kind=data["kind"], external_id=data["intent"],
                             amount_fen=int(data["amount"]), raw_type=data["kind"])
