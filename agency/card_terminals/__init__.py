"""Card terminals: the reader on the counter that takes the resident's bank card.

One interface (base.CardTerminal), two implementations:
* simulator.SimulatorTerminal — lives in this process; the demo's and the tests' reader;
* stripe_terminal.StripeTerminal — a Stripe Terminal reader (card_present PaymentIntents).

settings.AGENCY_CARD_TERMINAL names the terminal in use ("" = none: the till takes cash only);
settings.AGENCY_CARD_TERMINALS maps a name to {"BACKEND": dotted class path, "OPTIONS": kwargs}.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from agency.card_terminals.base import CardOutcome, CardTerminal, RefundOutcome

__all__ = ["CardOutcome", "CardTerminal", "RefundOutcome", "terminal", "terminal_cache_clear", "terminal_name"]


def terminal_name() -> str:
    """The configured terminal's name, or "" when the till takes no cards."""
    return getattr(settings, "AGENCY_CARD_TERMINAL", "") or ""


def terminal() -> CardTerminal | None:
    """The configured terminal, or None."""
    name = terminal_name()
    if not name:
        return None
    config = settings.AGENCY_CARD_TERMINALS.get(name)
    if config is None:
        raise LookupError(f"No card terminal configured under {name!r} (AGENCY_CARD_TERMINALS)")
    return _build(config["BACKEND"], tuple(sorted(config.get("OPTIONS", {}).items())))


@cache
def _build(backend: str, options: tuple) -> CardTerminal:
    # Built once per configuration: the simulator keeps its charges in memory, like a real reader's host.
    return import_string(backend)(**dict(options))


def terminal_cache_clear() -> None:
    """Forget built terminals (tests that change AGENCY_CARD_TERMINALS call this)."""
    _build.cache_clear()
