"""System-wide till figures for the platform's operators (core/metrics.py): counts, no scope, no data."""

from agency.models import CounterTransaction


def unknown_transaction_count() -> int:
    """Payments a provider has not yet confirmed or refused (a timeout): the reconciliation's work list."""
    return CounterTransaction.objects.filter(status=CounterTransaction.Status.UNKNOWN).count()


def operations_register() -> None:
    from core.metrics import gauge_register

    gauge_register("cunzhan_till_transactions_unknown", "Till payments in an unknown state (awaiting the provider)",
                   unknown_transaction_count)
