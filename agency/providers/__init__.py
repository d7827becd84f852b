"""Provider adapters: one interface for every company the till talks to.

An adapter answers four questions for a product: who holds this account and what is due
(`lookup`), pay this amount (`pay`), what became of this payment (`status`, for payments that
ended unknown), and undo it (`reverse`). It never raises on a decline or a timeout: those are
outcomes ("failed", "unknown"); it raises ProviderError only where there is no answer to give
(a lookup of an account that does not exist, a provider that cannot look up).

settings.AGENCY_PROVIDER_ADAPTERS maps the key a Provider names (`Provider.adapter`) to
{"BACKEND": dotted class path, "OPTIONS": keyword arguments}; the simulator is the demo's.
A real provider's HTTP API is one more class with these four methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

Outcome = Literal["succeeded", "failed", "unknown"]


class ProviderError(Exception):
    """No answer to give (the message is for the operator, already translated)."""


@dataclass(frozen=True)
class AccountLookup:
    customer_name: str
    amount_due_fen: int | None = None


@dataclass(frozen=True)
class ProviderOutcome:
    status: Outcome
    provider_reference: str = ""
    message: str = ""


class ProviderAdapter(Protocol):
    def lookup(self, *, product, account_number: str) -> AccountLookup: ...

    def pay(self, *, product, account_number: str, amount_fen: int, reference: str) -> ProviderOutcome: ...

    def status(self, *, product, account_number: str, amount_fen: int, reference: str) -> ProviderOutcome: ...

    def reverse(self, *, product, account_number: str, reference: str,
                provider_reference: str) -> ProviderOutcome: ...


def adapter_for(provider) -> ProviderAdapter:
    """The adapter configured under `provider.adapter` (production leaves the simulator out unless
    ENABLE_SIMULATORS is set, so a provider still pointing at it fails here, loudly)."""
    config = settings.AGENCY_PROVIDER_ADAPTERS.get(provider.adapter)
    if config is None:
        raise ProviderError(f"No adapter configured under {provider.adapter!r} (AGENCY_PROVIDER_ADAPTERS)")
    return _build(config["BACKEND"], tuple(sorted(config.get("OPTIONS", {}).items())))


@cache
def _build(backend: str, options: tuple) -> ProviderAdapter:
    return import_string(backend)(**dict(options))


def adapter_cache_clear() -> None:
    """Forget built adapters (tests that change AGENCY_PROVIDER_ADAPTERS call this)."""
    _build.cache_clear()
