"""A provider that lives in this process: the demo's and the tests' stand-in for State Grid & co.

Behaviour is deterministic by account number, so a demo or a test can ask for each outcome:
* ending in 0000: no such account (lookup raises ProviderError; a payment is declined);
* ending in 9999: the payment times out (outcome "unknown"); a later status query says whether it
  went through, decided by the reference (stable: the same reference always gets the same answer);
* ending in 8888: the provider refuses to reverse the payment;
* anything else succeeds, except that `decline_rate` and `timeout_rate` (0.0–1.0) add random
  declines and timeouts, and `latency_ms` sleeps before every answer, as a real network would.
Names and amounts due are made up from the account number.
"""

from __future__ import annotations

import hashlib
import random
import time

from django.utils.translation import gettext as _

from agency.providers import AccountLookup, ProviderError, ProviderOutcome
from core.masking import mask_name

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["秀英", "桂兰", "建国", "淑珍", "志强", "海燕", "国华", "玉兰", "振华", "春梅", "德明", "丽娟"]
BILLS = {"electricity", "water", "cable_tv", "pension", "insurance"}


def _digest(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


class SimulatorAdapter:
    def __init__(self, *, latency_ms: int = 0, decline_rate: float = 0.0, timeout_rate: float = 0.0,
                 seed: int | None = None) -> None:
        self.latency_ms = latency_ms
        self.decline_rate = decline_rate
        self.timeout_rate = timeout_rate
        self.random = random.Random(seed)

    def _wait(self) -> None:
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)

    def lookup(self, *, product, account_number: str) -> AccountLookup:
        self._wait()
        if account_number.endswith("0000"):
            raise ProviderError(_("The provider knows no account %(number)s.") % {"number": account_number})
        seed = _digest(account_number)
        name = SURNAMES[seed % len(SURNAMES)] + GIVEN[(seed // 20) % len(GIVEN)]
        due = None
        if product.kind in BILLS:
            due = max(product.amount_min_fen, min(product.amount_max_fen, 3_000 + (seed % 270) * 100))
        return AccountLookup(customer_name=mask_name(name), amount_due_fen=due)

    def pay(self, *, product, account_number: str, amount_fen: int, reference: str) -> ProviderOutcome:
        self._wait()
        if account_number.endswith("0000"):
            return ProviderOutcome("failed", message=_("Declined by the provider: no such account."))
        if account_number.endswith("9999"):
            return ProviderOutcome("unknown", message=_("The provider did not answer in time."))
        roll = self.random.random()
        if roll < self.decline_rate:
            return ProviderOutcome("failed", message=_("Declined by the provider; ask the resident to try later."))
        if roll < self.decline_rate + self.timeout_rate:
            return ProviderOutcome("unknown", message=_("The provider did not answer in time."))
        return ProviderOutcome("succeeded", provider_reference=self._provider_reference(reference))

    def status(self, *, product, account_number: str, amount_fen: int, reference: str) -> ProviderOutcome:
        self._wait()
        if _digest(reference) % 2 == 0:
            return ProviderOutcome("succeeded", provider_reference=self._provider_reference(reference))
        return ProviderOutcome("failed", message=_("The provider has no record of this payment."))

    def reverse(self, *, product, account_number: str, reference: str, provider_reference: str) -> ProviderOutcome:
        self._wait()
        if account_number.endswith("8888"):
            return ProviderOutcome("failed", message=_("The provider refused the reversal."))
        return ProviderOutcome("succeeded", provider_reference=f"R{provider_reference}")

    @staticmethod
    def _provider_reference(reference: str) -> str:
        return f"SIM{_digest(reference) % 10**10:010d}"
