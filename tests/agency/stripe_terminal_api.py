"""Stripe's HTTP API for Terminal, faked at the HTTP layer: the real `stripe` library talks to this
instead of api.stripe.com, so request bodies and idempotency headers are what Stripe would receive.

Responses are shaped as Stripe's API reference documents them (PaymentIntent with an expanded
latest_charge, Terminal Reader, Refund, search results). What the resident does at the reader is
set per test with `card`: "approve", "decline", "absent" (no card presented), "offline" (the reader
is unreachable). Idempotency keys are honoured as Stripe does: the same key replays the first answer.
"""

import json
from urllib.parse import parse_qs, urlsplit

import stripe

READER = "tmr_FDOt2wlRZEdpd7"


class FakeStripeTerminalAPI(stripe.HTTPClient):
    name = "fake-terminal"

    def __init__(self, card: str = "approve"):
        super().__init__()
        self.card = card
        self.requests: list[tuple[str, str, dict, dict]] = []
        self.intents: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.replies: dict[str, tuple[str, int, dict]] = {}  # idempotency key → the first answer

    # the transport ---------------------------------------------------------------------------
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        form = {k: v[0] for k, v in parse_qs(post_data or parts.query).items()}
        headers = dict(headers or {})
        self.requests.append((method, parts.path, headers, form))
        key = headers.get("Idempotency-Key")
        if method == "post" and key and key in self.replies:
            return self.replies[key]
        reply = self._answer(method, parts.path, form)
        if method == "post" and key:
            self.replies[key] = reply
        return reply

    def close(self):
        pass

    def posts(self, path_end: str) -> list[tuple[dict, dict]]:
        """(headers, form) of every POST whose path ends with `path_end`."""
        return [(h, f) for m, p, h, f in self.requests if m == "post" and p.endswith(path_end)]

    # the API -----------------------------------------------------------------------------------
    def _answer(self, method, path, form):
        if path == "/v1/payment_intents" and method == "post":
            return self._create(form)
        if path == "/v1/payment_intents/search":
            reference = form["query"].split("'")[3]
            found = [i for i in self.intents.values() if i["metadata"].get("reference") == reference]
            return _ok({"object": "search_result", "url": "/v1/payment_intents/search", "has_more": False,
                        "data": found})
        if path.startswith("/v1/payment_intents/pi_"):
            intent_id = path.split("/")[3]
            if path.endswith("/cancel"):
                return self._cancel(intent_id)
            return _ok(self._expanded(self.intents[intent_id], form))
        if path.startswith("/v1/terminal/readers/"):
            reader = path.split("/")[4]
            if path.endswith("/process_payment_intent"):
                return self._process(reader, form["payment_intent"])
            return _ok(_reader(reader, None))
        if path == "/v1/refunds" and method == "post":
            refund = {"id": f"re_3Qcz{len(self.refunds):04d}", "object": "refund", "amount": int(form["amount"]),
                      "currency": "cny", "payment_intent": form["payment_intent"], "status": "succeeded"}
            self.refunds.append(refund)
            return _ok(refund)
        return _error(404, "resource_missing", "not faked")

    def _create(self, form):
        intent_id = f"pi_3Qcz{len(self.intents):06d}"
        self.intents[intent_id] = {
            "id": intent_id, "object": "payment_intent", "amount": int(form["amount"]), "currency": form["currency"],
            "status": "requires_payment_method", "capture_method": form.get("capture_method"),
            "payment_method_types": [form["payment_method_types[0]"]], "livemode": False,
            "metadata": {"reference": form["metadata[reference]"], "station": form["metadata[station]"]},
            "latest_charge": None, "last_payment_error": None}
        return _ok(self.intents[intent_id])

    def _process(self, reader, intent_id):
        if self.card == "offline":
            return _error(400, "terminal_reader_offline", "Reader is currently offline.")
        intent = self.intents[intent_id]
        if self.card == "approve":
            intent.update(status="succeeded", latest_charge=f"ch_3Qcz{intent_id[-6:]}")
        elif self.card == "decline":
            intent["last_payment_error"] = {"type": "card_error", "code": "card_declined",
                                            "decline_code": "insufficient_funds",
                                            "message": "Your card has insufficient funds."}
        return _ok(_reader(reader, intent_id))

    def _cancel(self, intent_id):
        intent = self.intents[intent_id]
        if intent["status"] == "succeeded":
            return _error(400, "payment_intent_unexpected_state", "This PaymentIntent has already succeeded.")
        intent["status"] = "canceled"
        return _ok(intent)

    @staticmethod
    def _expanded(intent, form):
        if intent["latest_charge"] and form.get("expand[0]") == "latest_charge":
            charge = {"id": intent["latest_charge"], "object": "charge", "amount": intent["amount"],
                      "payment_intent": intent["id"], "status": "succeeded",
                      "payment_method_details": {"type": "card_present", "card_present": {
                          "brand": "unionpay", "last4": "4242", "read_method": "contactless_emv"}}}
            return intent | {"latest_charge": charge}
        return intent


def _reader(reader, intent_id):
    action = {"type": "process_payment_intent", "status": "in_progress",
              "process_payment_intent": {"payment_intent": intent_id}} if intent_id else None
    return {"id": reader, "object": "terminal.reader", "device_type": "bbpos_wisepos_e", "status": "online",
            "action": action}


def _ok(body):
    return json.dumps(body), 200, {"Request-Id": "req_fake"}


def _error(status, code, message):
    return json.dumps({"error": {"type": "invalid_request_error", "code": code, "message": message}}), status, {}
