"""Card attempts the checkout left behind: started (and maybe paid) on the preview page, never placed.

The resident changed the basket or walked away; the card may hold money with no order to show for it.
Once an attempt has been idle for SHOP_CARD_ATTEMPT_GRACE_MINUTES (since it started, or since the card
went through) the sweep closes it at the provider —
refunds the whole amount when the card went through, cancels it when it did not — and frees its key,
so the same basket's next checkout starts afresh.

Safe to run twice at once and next to a resident placing the order: each attempt is closed under its
row lock (skipped when someone else holds it), after checking again that it still has no order and is as
the sweep saw it. The provider's status is asked before the lock; the refund or cancel runs under it, so
that no order can take the attempt meanwhile. A provider that fails leaves the row as it was.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_event_record
from shop.models import Payment
from shop.payments import PaymentProvider, get_provider
from shop.services.payments import closed_attempt_key

logger = logging.getLogger(__name__)

# Attempts that may still hold money or take some. A cancelled one that a late "succeeded" notification
# made paid is among them again, and is refunded.
SWEPT_STATUSES = (Payment.Status.PENDING, Payment.Status.FAILED, Payment.Status.PAID)


def card_attempts_sweep(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Close every checkout card attempt without an order older than the grace period.
    Returns how many were refunded, cancelled, skipped (changed or locked) and failed (next run)."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.SHOP_CARD_ATTEMPT_GRACE_MINUTES)
    # A paid attempt's grace runs from the payment: the resident who paid a minute ago is still placing it.
    idle = (Q(status=Payment.Status.PAID, paid_at__lt=cutoff)
            | (~Q(status=Payment.Status.PAID) & Q(created_at__lt=cutoff)))
    stale = (Payment.objects.filter(idle, order__isnull=True, status__in=SWEPT_STATUSES)
             .exclude(attempt_key="").order_by("created_at")[:limit])
    counts = dict.fromkeys(("refunded", "cancelled", "skipped", "failed"), 0)
    for attempt in stale:
        counts[card_attempt_close(attempt=attempt)] += 1
    return counts


def card_attempt_close(*, attempt: Payment) -> str:
    """Refund or cancel one abandoned attempt (as read, unlocked, by the sweep). Returns the outcome."""
    provider = get_provider(attempt.provider, available_only=False)
    try:  # asked with no lock held: the resident's checkout is not kept waiting on the provider
        state = "succeeded" if attempt.status == Payment.Status.PAID else \
            provider.intent_status(external_id=attempt.external_id)
    except Exception as error:  # network or provider fault: the next run asks again
        return _provider_failed(attempt, "intent_status", error)
    with transaction.atomic():
        payment = (Payment.objects.select_for_update(skip_locked=True)
                   .filter(pk=attempt.pk, order__isnull=True, status=attempt.status, attempt_key=attempt.attempt_key)
                   .first())
        if payment is None:  # being placed right now, or changed since it was read: the next run decides
            return "skipped"
        if payment.status == Payment.Status.PAID or state == "succeeded":
            return _refund(payment, provider)
        return _cancel(payment, provider)


def _refund(payment: Payment, provider: PaymentProvider) -> str:
    try:
        # The reference makes the provider's idempotency key: a retry after a crash refunds once.
        refund_id = provider.refund(external_id=payment.external_id, amount_fen=payment.amount_fen,
                                    reference=f"attempt-{payment.pk}")
    except Exception as error:
        return _provider_failed(payment, "refund", error)
    payment.status, payment.refunded_at, payment.refund_external_id = \
        Payment.Status.REFUNDED, timezone.now(), refund_id
    _close(payment, "payment.abandoned_refunded", {"refund": refund_id},
           extra_fields=["refunded_at", "refund_external_id"])
    return "refunded"


def _cancel(payment: Payment, provider: PaymentProvider) -> str:
    try:
        provider.cancel(external_id=payment.external_id)
    except Exception as error:  # e.g. the card went through meanwhile: the next run refunds it
        return _provider_failed(payment, "cancel", error)
    was = payment.status
    payment.status = Payment.Status.CANCELLED
    _close(payment, "payment.abandoned_cancelled", {"was": was})
    return "cancelled"


def _close(payment: Payment, action: str, data: dict, *, extra_fields: tuple | list = ()) -> None:
    key = payment.attempt_key
    payment.attempt_key = closed_attempt_key(payment)
    payment.save(update_fields=["status", "attempt_key", *extra_fields])
    audit_event_record(actor=None, action=action, target=payment,
                       data={"attempt": key, "amount_fen": payment.amount_fen, "provider": payment.provider,
                             "external_id": payment.external_id, **data})


def _provider_failed(payment: Payment, step: str, error: Exception) -> str:
    logger.warning("card attempt %s: %s at %s failed, left for the next sweep: %s",
                   payment.pk, step, payment.provider, error)
    audit_event_record(actor=None, action="payment.abandoned_sweep_failed", target=payment,
                       data={"step": step, "error": str(error)[:300], "status": payment.status})
    return "failed"
