"""Celery tasks of the till: monthly statements and the reconciliation of unknown payments."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from agency.services import commission_statements_generate_month, counter_transactions_reconcile


def parse_month(text: str) -> date:
    """ "2025-06" → date(2025, 6, 1); ValueError on anything else."""
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def last_month() -> date:
    first = timezone.localdate().replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


@shared_task
def generate_commission_statements(month: str | None = None) -> int:
    """Generate every station's statement for `month` ("YYYY-MM"; default last month). Idempotent."""
    return len(commission_statements_generate_month(actor=None, month=parse_month(month) if month else last_month()))


@shared_task
def reconcile_unknown_transactions() -> dict:
    """Ask providers about payments that ended unknown (or were left pending by a crash), and give back
    what cards paid for payments that did not stand (refunds the terminal did not confirm)."""
    return counter_transactions_reconcile()


@shared_task(acks_late=True)
def setup_import_job(job_id: int) -> None:
    """Check (or import) one uploaded file of the till's set-up (agency/services/setup_import.py). A second
    delivery finds the job started and does nothing; a failure marks it failed (no retry: it would fail again)."""
    from agency.services.setup_import import setup_import_job_run

    setup_import_job_run(job_id=job_id)
