"""Celery tasks of the store (autodiscovered: config/celery.py)."""


from celery import shared_task

from core.timeutil import last_full_month, parse_month
from shop.services.card_attempts import card_attempts_sweep
from shop.services.catalogue import product_import_job_run
from shop.services.revet_reminders import merchant_revet_reminders_send
from shop.services.statements import merchant_statements_generate_month


@shared_task
def generate_merchant_statements(month: str | None = None) -> int:
    """Every merchant's statement for `month` ("YYYY-MM"; default last month). Idempotent, so a rerun is safe."""
    first = parse_month(month) if month else last_full_month()
    return len(merchant_statements_generate_month(actor=None, month=first))


@shared_task
def sweep_abandoned_card_attempts() -> dict:
    """Refund or cancel checkout card attempts left without an order past the grace period. Idempotent."""
    return card_attempts_sweep()


@shared_task(acks_late=True)
def product_import_job(job_id: int) -> None:
    """Check and import one merchant's uploaded product file. A second delivery finds the job started
    and does nothing; a failure marks the job failed (no retry: the same file fails the same way)."""
    product_import_job_run(job_id=job_id)


@shared_task
def remind_merchants_of_revetting() -> int:
    """Text the merchants whose re-vetting falls due soon (once per date: a rerun sends nothing new)."""
    return merchant_revet_reminders_send()


@shared_task(acks_late=True)
def wallet_bill_reconcile(bill_id: int) -> None:
    """Compare one wallet bill import with our payments (shop/services/reconciliation.py). A second delivery
    of a finished import does nothing."""
    from shop.services.reconciliation import wallet_bill_reconcile_run

    wallet_bill_reconcile_run(bill_id=bill_id)
