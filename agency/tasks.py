"""Celery tasks of the till: monthly statements and the reconciliation of unknown payments."""

from celery import shared_task

from agency.services import commission_statements_generate_month, counter_transactions_reconcile
from agency.services.till_wallets import till_wallets_sweep
from core.timeutil import last_full_month, parse_month


@shared_task
def generate_commission_statements(month: str | None = None) -> int:
    """Generate every station's statement for `month` ("YYYY-MM"; default last month). Idempotent."""
    month = parse_month(month) if month else last_full_month()
    return len(commission_statements_generate_month(actor=None, month=month))


@shared_task
def reconcile_unknown_transactions() -> dict:
    """Ask providers about payments that ended unknown (or were left pending by a crash), and give back
    what cards paid for payments that did not stand (refunds the terminal did not confirm); then the wallet
    payments of the till left open, paid but not recorded, or with a refund not confirmed."""
    return {**counter_transactions_reconcile(), **{f"wallet_{k}": v for k, v in till_wallets_sweep().items()}}


@shared_task(acks_late=True)
def setup_import_job(job_id: int) -> None:
    """Check (or import) one uploaded file of the till's set-up (agency/services/setup_import.py). A second
    delivery finds the job started and does nothing; a failure marks it failed (no retry: it would fail again)."""
    from agency.services.setup_import import setup_import_job_run

    setup_import_job_run(job_id=job_id)
