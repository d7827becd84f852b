"""Simulators that remember, so that a fault test can count what reached the outside world once, twice or
never: a biller that records every payment it took (and can lose its answers), and an SMS gateway that
appends every message it accepted to a file (the workers are other processes)."""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections import Counter

from agency.providers import AccountLookup, ProviderOutcome
from core.sms import BaseBackend, SmsMessage


class RecordingBiller:
    """A provider adapter with a memory: `pay` takes the money under the reference once (a second pay of the
    same reference is refused as a duplicate, as billers do), `status` answers from what was taken.

    Faults (by account number, set by the test in `faults`): "lose_answer" takes the money and then raises
    TimeoutError (the answer never came back); "lose_request" raises before taking anything; the first
    `status_timeouts` status queries raise TimeoutError too."""

    def __init__(self, **_options) -> None:
        self.lock = threading.Lock()
        self.taken: Counter[str] = Counter()
        self.faults: dict[str, str] = {}
        self.status_timeouts = 0
        self.calls = Counter()

    def lookup(self, *, product, account_number: str) -> AccountLookup:
        return AccountLookup(customer_name="王*")

    def pay(self, *, product, account_number: str, amount_fen: int, reference: str) -> ProviderOutcome:
        with self.lock:
            self.calls["pay"] += 1
            fault = self.faults.get(account_number)
            if fault == "lose_request":
                raise TimeoutError("the request never reached the biller")
            if self.taken[reference]:
                return ProviderOutcome("failed", message="duplicate reference")
            self.taken[reference] += 1
        if fault == "lose_answer":
            raise TimeoutError("the biller's answer was lost")
        return ProviderOutcome("succeeded", provider_reference=f"B{reference}")

    def status(self, *, product, account_number: str, amount_fen: int, reference: str) -> ProviderOutcome:
        with self.lock:
            self.calls["status"] += 1
            if self.status_timeouts > 0:
                self.status_timeouts -= 1
                raise TimeoutError("the status query timed out")
            if self.taken[reference]:
                return ProviderOutcome("succeeded", provider_reference=f"B{reference}")
        return ProviderOutcome("failed", message="no such payment")

    def reverse(self, *, product, account_number: str, reference: str, provider_reference: str) -> ProviderOutcome:
        return ProviderOutcome("failed", message="not in this test")


class RecordingSmsGateway(BaseBackend):
    """Accepts every message and appends {"message": outbox id, "phone": …} to FAULTS_SMS_LOG (a line per
    message accepted, under a file lock: several worker processes write to it)."""

    def send(self, message: SmsMessage) -> str:
        path = os.environ["FAULTS_SMS_LOG"]
        line = json.dumps({"phone": message.phone, "text": message.text}, ensure_ascii=False)
        with open(path, "a", encoding="utf-8") as log:
            fcntl.flock(log, fcntl.LOCK_EX)
            log.write(line + "\n")
        return f"GW{abs(hash(line)) % 10**10}"


def sms_accepted(path) -> Counter:
    """How many times the gateway accepted a message for each phone number (a test gives each its own)."""
    if not os.path.exists(path):
        return Counter()
    with open(path, encoding="utf-8") as log:
        return Counter(json.loads(line)["phone"] for line in log if line.strip())
