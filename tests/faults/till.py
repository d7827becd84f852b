"""The till under fault: a station with a float, a product whose provider is the recording biller
(tests/faults/simulators.py), and the checks every fault test makes of the ledger afterwards."""

from __future__ import annotations

from django.db.models import Count, Sum

from agency.models import CounterTransaction, FloatWallet, Journal, LedgerEntry
from agency.providers import adapter_cache_clear, adapter_for
from tests.agency.factories import ProductFactory, ProviderFactory, account_number, fund

BILLER = {"faults": {"BACKEND": "tests.faults.simulators.RecordingBiller", "OPTIONS": {}}}


def till(settings, station, *, float_fen: int = 100_000_000):
    """(product, biller): an electricity bill paid through a fresh recording biller; the float holds enough."""
    settings.AGENCY_PROVIDER_ADAPTERS = BILLER
    adapter_cache_clear()
    product = ProductFactory(provider=ProviderFactory(adapter="faults"), lookup_supported=False)
    fund(station, product.provider.float_group, float_fen)
    return product, adapter_for(product.provider)


def account(n: int) -> str:
    return account_number(n)


def ledger_figures(biller) -> dict:
    """What the ledger, the wallets and the biller say, and the checks that must all hold."""
    succeeded = CounterTransaction.objects.filter(status=CounterTransaction.Status.SUCCEEDED)
    references = list(succeeded.values_list("reference", flat=True))
    taken = {ref for ref, n in biller.taken.items() if n}
    return {
        "ledger_total_fen": LedgerEntry.objects.aggregate(total=Sum("amount_fen"))["total"] or 0,
        "unbalanced_journals": Journal.objects.annotate(total=Sum("entries__amount_fen")).exclude(total=0).count(),
        "payments_posted_twice": Journal.objects.filter(kind=Journal.Kind.PAYMENT).values("counter_transaction")
        .annotate(n=Count("id")).filter(n__gt=1).count(),
        "doubled_at_biller": sum(1 for n in biller.taken.values() if n > 1),
        "taken_not_recorded": len(taken - set(references)),  # money the biller took that the till lost
        "recorded_not_taken": len(set(references) - taken),
        "reserved_fen": FloatWallet.objects.aggregate(total=Sum("reserved_fen"))["total"] or 0,
        "open": CounterTransaction.objects.filter(status__in=(CounterTransaction.Status.PENDING,
                                                              CounterTransaction.Status.UNKNOWN)).count(),
    }


def assert_ledger_sound(figures: dict) -> None:
    assert figures["ledger_total_fen"] == 0 and figures["unbalanced_journals"] == 0, figures
    assert figures["payments_posted_twice"] == 0, figures
    assert figures["doubled_at_biller"] == 0 and figures["taken_not_recorded"] == 0, figures
    assert figures["recorded_not_taken"] == 0 and figures["reserved_fen"] == 0 and figures["open"] == 0, figures
