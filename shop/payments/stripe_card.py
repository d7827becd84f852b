"""Card payments with Stripe PaymentIntents.

Only this module imports `stripe`. The order counts as paid when the signed webhook
`payment_intent.succeeded` arrives, never on the browser's word. Tests give the client a
fake HTTP client with recorded responses (tests/shop/stripe_fixtures.py).
"""

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.csp import csp_update_when
from shop.payments.base import ProviderEvent, ProviderStart, WebhookRejected

# Which Stripe event types mean what to the shop.
EVENT_KINDS = {
    "payment_intent.succeeded": "succeeded",
    "payment_intent.payment_failed": "failed",
    "payment_intent.canceled": "failed",
    "charge.refunded": "refunded",
}

# A PaymentIntent's status as the checkout reads it; "processing"/"requires_capture": the card was
# accepted and the money follows (the webhook marks it paid).
_INTENT_STATES = {"succeeded": "succeeded", "processing": "succeeded", "requires_capture": "succeeded",
                  "canceled": "declined"}

# What a page mounting Stripe's card element must allow (Stripe.js cannot be self-hosted): its
# script, its iframes (card fields, 3-D Secure) and the API it calls.
STRIPE_JS_CSP = {
    "script-src": ["https://js.stripe.com"],
    "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
    "connect-src": ["https://api.stripe.com"],
}

# Tests replace this with a stripe.HTTPClient that answers from recorded responses.
http_client: stripe.HTTPClient | None = None


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, http_client=http_client, max_network_retries=2)


class StripeCardProvider:
    code = "stripe"
    label = _("Bank card")
    settles_on_handover = False

    def is_available(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def start(self, *, payment_id: int, order_number: str, amount_fen: int) -> ProviderStart:
        intent = _client().v1.payment_intents.create(
            params={"amount": amount_fen, "currency": "cny", "payment_method_types": ["card"],
                    "metadata": {"order": order_number, "payment": str(payment_id)}},
            options={"idempotency_key": f"cunzhan-payment-{payment_id}"})
        return ProviderStart(external_id=intent.id, client_secret=intent.client_secret)

    def intent_status(self, *, external_id: str) -> str | None:
        intent = _client().v1.payment_intents.retrieve(external_id)
        # (a StripeObject is not a dict: read the optional field from its dict form)
        failed = intent.to_dict().get("last_payment_error")
        return _INTENT_STATES.get(intent.status) or ("declined" if failed else "pending")

    def refund(self, *, external_id: str, amount_fen: int, reference: str) -> str:
        refund = _client().v1.refunds.create(
            params={"payment_intent": external_id, "amount": amount_fen, "metadata": {"part": reference}},
            options={"idempotency_key": f"cunzhan-refund-{reference}"})
        return refund.id

    def cancel(self, *, external_id: str) -> None:
        try:
            _client().v1.payment_intents.cancel(external_id, params={"cancellation_reason": "abandoned"},
                                                options={"idempotency_key": f"cunzhan-cancel-{external_id}"})
        except stripe.InvalidRequestError as error:
            # Stripe refuses to cancel twice and names the intent's state: already canceled is done;
            # a succeeded one raises on (the caller refunds it instead).
            intent = ((error.json_body or {}).get("error") or {}).get("payment_intent") or {}
            if intent.get("status") != "canceled":
                raise

    def parse_webhook(self, *, payload: bytes, signature: str) -> ProviderEvent:
        try:
            event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise WebhookRejected(str(error)) from error
        obj = event.data.object.to_dict()
        if event.type.startswith("charge."):  # a charge names the PaymentIntent it belongs to
            external_id, amount = obj.get("payment_intent") or "", obj.get("amount_refunded", 0)
        else:
            external_id, amount = obj.get("id") or "", obj.get("amount", 0)
        return ProviderEvent(event_id=event.id, kind=EVENT_KINDS.get(event.type, "other"),
                             external_id=external_id, amount_fen=int(amount or 0), raw_type=event.type)


# For the views that mount the card element: Stripe.js is allowed there only, and only while Stripe is configured.
allows_stripe_js = csp_update_when(lambda: StripeCardProvider().is_available(), STRIPE_JS_CSP)
