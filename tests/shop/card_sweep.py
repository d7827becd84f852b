"""Helpers for the sweep of abandoned checkout card attempts (test_card_attempt_sweep*.py): a recorded
Stripe API that also cancels and refuses, and the attempts, audit actions and Stripe calls the tests read."""

import json
from datetime import timedelta
from urllib.parse import parse_qs

from django.utils import timezone

from core.models import AuditEvent
from shop.models import Payment
from shop.services.payments import checkout_card_attempt
from tests.shop.stripe_fixtures import RecordedStripe

NOTHING = {"refunded": 0, "cancelled": 0, "skipped": 0, "failed": 0}


def _later(minutes: int = 61):
    """A moment past the default grace period (60 minutes) for attempts started now."""
    return timezone.now() + timedelta(minutes=minutes)


class StripeApi(RecordedStripe):
    """The recorded Stripe API plus PaymentIntent cancel, a fresh intent id per create, and Stripe's
    error answers a test can switch on."""

    def __init__(self):
        super().__init__()
        self.intents = 0
        self.cancel_refused_as: str | None = None  # "succeeded": Stripe refuses, naming the intent's state
        self.refund_refused = False
        self.on_request = None  # called with (method, url) before each answer

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        if self.on_request is not None:
            self.on_request(method, url)
        if url.endswith("/cancel") and method == "post":
            self.requests.append((method, url, dict(headers or {}), _form(post_data)))
            return self._cancel(url.split("/")[-2])
        if url.endswith("/v1/refunds") and self.refund_refused:
            self.requests.append((method, url, dict(headers or {}), _form(post_data)))
            return _error(400, "charge_disputed", "The charge has been disputed.")
        body, status, answer_headers = super().request(method, url, headers, post_data)
        if url.endswith("/v1/payment_intents") and method == "post":
            self.intents += 1
            intent = json.loads(body)
            intent["id"] = f"pi_3Qcunzhan{self.intents:04d}"
            intent["client_secret"] = f"{intent['id']}_secret_abc"
            body = json.dumps(intent)
        return body, status, answer_headers

    def _cancel(self, intent_id):
        if self.cancel_refused_as:
            return _error(400, "payment_intent_unexpected_state",
                          f"You cannot cancel this PaymentIntent because it has a status of {self.cancel_refused_as}.",
                          payment_intent={"id": intent_id, "object": "payment_intent",
                                          "status": self.cancel_refused_as})
        return json.dumps({"id": intent_id, "object": "payment_intent", "status": "canceled",
                           "cancellation_reason": "abandoned"}), 200, {"Request-Id": "req_cancel"}


def _form(post_data):
    return {k: v[0] for k, v in parse_qs(post_data or "").items()}


def _error(status, code, message, **extra):
    return json.dumps({"error": {"type": "invalid_request_error", "code": code, "message": message,
                                 **extra}}), status, {"Request-Id": "req_err"}



def _attempt(provider: str, *, basket_id: int = 7, amount_fen: int = 2400) -> Payment:
    return checkout_card_attempt(basket_id=basket_id, order_number="100007", provider_code=provider,
                                 amount_fen=amount_fen)


def _actions(payment: Payment) -> list[str]:
    return list(AuditEvent.objects.filter(target_id=str(payment.pk), action__startswith="payment.abandoned")
                .order_by("pk").values_list("action", flat=True))


def _calls(api: StripeApi) -> list[str]:
    """Stripe calls after the intent was created: "get pi_…", "post …/cancel", "post /v1/refunds"."""
    return [f"{method} {url.split('stripe.com')[-1]}" for method, url, _h, _f in api.requests[1:]]
