"""Stripe's HTTP API, recorded: the real `stripe` library talks to this instead of api.stripe.com.

Responses are shaped as Stripe's API reference documents them (PaymentIntent, Refund). Webhook
events are signed the way Stripe signs them: header `t=<unix time>,v1=<HMAC-SHA256 of "t.payload">`.
"""

import hashlib
import hmac
import json
import time
from urllib.parse import parse_qs

import stripe

WEBHOOK_SECRET = "whsec_test_cunzhan"


class RecordedStripe(stripe.HTTPClient):
    name = "recorded"

    def __init__(self):
        super().__init__()
        self.requests: list[tuple[str, str, dict, dict]] = []
        self.intent_status = "requires_payment_method"  # what a retrieve answers (set by a test)

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        form = {k: v[0] for k, v in parse_qs(post_data or "").items()} if isinstance(post_data, str) else {}
        self.requests.append((method, url, dict(headers or {}), form))
        if url.endswith("/v1/payment_intents") and method == "post":
            return json.dumps(_payment_intent(form)), 200, {"Request-Id": "req_pi"}
        if "/v1/payment_intents/pi_" in url and method == "get":
            intent = _payment_intent({"amount": "0", "currency": "cny"}) | {"status": self.intent_status}
            return json.dumps(intent), 200, {"Request-Id": "req_pi_get"}
        if url.endswith("/v1/refunds") and method == "post":
            return json.dumps(_refund(form)), 200, {"Request-Id": "req_re"}
        return json.dumps({"error": {"type": "invalid_request_error", "message": "not recorded"}}), 404, {}

    def close(self):
        pass


def _payment_intent(form):
    return {"id": "pi_3Qcunzhan0001", "object": "payment_intent", "amount": int(form["amount"]),
            "currency": form["currency"], "status": "requires_payment_method",
            "client_secret": "pi_3Qcunzhan0001_secret_abc", "livemode": False,
            "metadata": {"order": form.get("metadata[order]"), "payment": form.get("metadata[payment]")}}


def _refund(form):
    return {"id": "re_3Qcunzhan0001", "object": "refund", "amount": int(form["amount"]), "currency": "cny",
            "payment_intent": form["payment_intent"], "status": "succeeded"}


def signed_event(event_type: str, obj: dict, *, event_id: str = "evt_1Qcunzhan", secret: str = WEBHOOK_SECRET):
    """(payload bytes, Stripe-Signature header) for a webhook event."""
    payload = json.dumps({"id": event_id, "object": "event", "type": event_type, "api_version": "2024-06-20",
                          "created": int(time.time()), "livemode": False, "data": {"object": obj}}).encode()
    timestamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return payload, f"t={timestamp},v1={signature}"
