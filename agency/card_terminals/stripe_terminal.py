"""A Stripe Terminal reader at the counter (server-driven integration).

A charge is three calls: create a PaymentIntent (card_present, CNY, our reference in its metadata,
our idempotency key), hand it to the station's reader (process_payment_intent), then read the
intent until the resident has presented the card: "succeeded" is approved (automatic capture);
"requires_payment_method" with a last_payment_error is a decline; still waiting after
`wait_seconds` — the reader action and the intent are cancelled, and if the cancel goes through no
money was taken (declined), otherwise the outcome is unknown. The charge id we keep is the
PaymentIntent's id: refunds name it, and `status` finds an intent again by our reference.

Only this module (in agency) imports `stripe`. Tests swap `http_client` for a stripe.HTTPClient that
answers from recorded responses; nothing else is mocked.
settings.AGENCY_STRIPE_READERS maps a station code to its reader id ("tmr_…").
"""

from __future__ import annotations

import contextlib
import logging
import time

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from agency.card_terminals.base import CardOutcome, RefundOutcome

logger = logging.getLogger(__name__)

# Tests replace this with a stripe.HTTPClient that answers from recorded responses.
http_client: stripe.HTTPClient | None = None

def _client() -> stripe.StripeClient:
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, http_client=http_client, max_network_retries=2)


def reader_for(station) -> str:
    return (getattr(settings, "AGENCY_STRIPE_READERS", {}) or {}).get(station.code, "")


class StripeTerminal:
    def __init__(self, *, wait_seconds: float = 90.0, poll_interval_ms: int = 1000) -> None:
        self.wait_seconds = wait_seconds
        self.poll_interval_ms = poll_interval_ms

    def charge(self, *, station, amount_fen: int, reference: str, idempotency_key: str) -> CardOutcome:
        reader = reader_for(station)
        if not reader:
            return CardOutcome("declined", message=_("No card reader is registered for this station."))
        client = _client()
        try:
            intent = client.v1.payment_intents.create(
                params={"amount": amount_fen, "currency": "cny", "payment_method_types": ["card_present"],
                        "capture_method": "automatic", "description": reference,
                        "metadata": {"reference": reference, "station": station.code}},
                options={"idempotency_key": f"cunzhan-card-{idempotency_key}"})
        except stripe.APIConnectionError:
            # The intent may exist, but no reader was asked to take a card: nothing can have been charged.
            return CardOutcome("declined", message=_("The card service could not be reached. Try again or take cash."))
        except stripe.StripeError as error:
            return CardOutcome("declined", message=_stripe_message(error))
        # A retry under the same key gets the first intent back (Stripe replays the create): if a card
        # was already approved or declined on it, that is the answer, and the reader is not asked again.
        already = _outcome_of(client, intent.id)
        if already.status != "unknown":
            return already
        try:
            client.v1.terminal.readers.process_payment_intent(
                reader, params={"payment_intent": intent.id},
                options={"idempotency_key": f"cunzhan-card-{idempotency_key}-process"})
        except stripe.APIConnectionError:
            logger.warning("reader %s: no answer to process_payment_intent for %s", reader, reference)
        except stripe.StripeError as error:  # reader offline or busy: the card was never asked for
            self._cancel(client, reader, intent.id)
            return CardOutcome("declined", message=_stripe_message(error))
        return self._await(client, reader, intent.id)

    def _await(self, client, reader: str, intent_id: str) -> CardOutcome:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            outcome = _outcome_of(client, intent_id)
            if outcome.status != "unknown" or time.monotonic() >= deadline:
                break
            time.sleep(self.poll_interval_ms / 1000)
        if outcome.status != "unknown":
            return outcome
        if self._cancel(client, reader, intent_id):  # cancelled: the card was not charged
            return CardOutcome("declined", charge_id=intent_id, message=_("No card was presented in time."))
        return _outcome_of(client, intent_id)

    @staticmethod
    def _cancel(client, reader: str, intent_id: str) -> bool:
        """Stop the reader and cancel the intent; True when Stripe confirms the intent is cancelled."""
        with contextlib.suppress(stripe.StripeError):  # the reader may have finished: the intent's cancel decides
            client.v1.terminal.readers.cancel_action(reader)
        try:
            return client.v1.payment_intents.cancel(intent_id).status == "canceled"
        except stripe.StripeError:
            return False

    def status(self, *, station, reference: str) -> CardOutcome:
        client = _client()
        try:
            found = client.v1.payment_intents.search(params={"query": f"metadata['reference']:'{reference}'"})
        except stripe.StripeError:
            return CardOutcome("unknown", message=_("The card service could not be reached."))
        intents = list(found.data)
        if not intents:
            return CardOutcome("declined", message=_("The card terminal has no charge under this reference."))
        return _outcome_of(client, intents[0].id)

    def refund(self, *, charge_id: str, amount_fen: int, idempotency_key: str) -> RefundOutcome:
        try:
            refund = _client().v1.refunds.create(
                params={"payment_intent": charge_id, "amount": amount_fen},
                options={"idempotency_key": f"cunzhan-refund-{idempotency_key}"})
        except stripe.APIConnectionError:
            return RefundOutcome("unknown", message=_("The card service could not be reached."))
        except stripe.StripeError as error:
            return RefundOutcome("failed", message=_stripe_message(error))
        if refund.status in ("succeeded", "pending"):  # pending: accepted, the bank pays it out later
            return RefundOutcome("refunded", refund_id=refund.id)
        return RefundOutcome("failed", refund_id=refund.id, message=_("Stripe refused the refund."))


def _outcome_of(client, intent_id: str) -> CardOutcome:
    """What the intent says now (the charge expanded for the card's brand and last four digits)."""
    try:
        intent = client.v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]}).to_dict()
    except stripe.StripeError:
        return CardOutcome("unknown", charge_id=intent_id, message=_("The card service could not be reached."))
    status = intent.get("status")
    if status in ("succeeded", "requires_capture"):
        brand, last4 = _card_of(intent.get("latest_charge"))
        return CardOutcome("approved", charge_id=intent["id"], brand=brand, last4=last4)
    if status == "canceled":
        return CardOutcome("declined", charge_id=intent["id"], message=_("The card payment was cancelled."))
    error = intent.get("last_payment_error")
    if status == "requires_payment_method" and error:
        reason = error.get("message") or error.get("decline_code") or ""
        message = (_("Declined by the bank: %(reason)s") % {"reason": reason}) if reason else _("Declined by the bank.")
        return CardOutcome("declined", charge_id=intent["id"], message=message)
    return CardOutcome("unknown", charge_id=intent["id"], message=_("The card reader did not answer in time."))


def _card_of(charge: dict | str | None) -> tuple[str, str]:
    if not isinstance(charge, dict):
        return "", ""
    details = charge.get("payment_method_details") or {}
    card = details.get("card_present") or details.get("interac_present") or details.get("card") or {}
    return str(card.get("brand") or ""), str(card.get("last4") or "")


def _stripe_message(error: stripe.StripeError) -> str:
    return _("The card service refused: %(reason)s") % {"reason": error.user_message or str(error)[:120]}
