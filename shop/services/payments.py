"""Payments of orders: start one with a provider, act on the provider's (verified) notifications,
record cash at handover, and refund an order part."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from shop.models import OrderPart, Payment, PaymentEvent, Refund
from shop.payments import ProviderEvent, get_provider


@transaction.atomic
def payment_start(*, order, provider_code: str, amount_fen: int) -> Payment:
    """A pending payment for the order (one per order and provider; a retry returns the same one)."""
    provider = get_provider(provider_code)
    existing = Payment.objects.filter(order=order, provider=provider.code).exclude(
        status__in=[Payment.Status.FAILED, Payment.Status.CANCELLED]).first()
    if existing is not None:
        return existing
    payment = Payment.objects.create(order=order, provider=provider.code, amount_fen=amount_fen)
    if not provider.settles_on_handover:
        started = provider.start(payment_id=payment.pk, order_number=order.number, amount_fen=amount_fen)
        payment.external_id, payment.client_secret = started.external_id, started.client_secret
        payment.save(update_fields=["external_id", "client_secret"])
    audit_event_record(actor=None, action="payment.started", target=payment,
                       data={"provider": provider.code, "amount_fen": amount_fen, "order": order.number})
    return payment


def payment_event_handle(*, provider_code: str, event: ProviderEvent) -> bool:
    """Act on a verified provider notification once. Returns False for a replay (nothing changes).

    The event row is unique per provider: a replay — or two deliveries racing — finds it and stops.
    """
    try:
        with transaction.atomic():
            record = PaymentEvent.objects.create(provider=provider_code, event_id=event.event_id,
                                                 kind=event.raw_type or event.kind,
                                                 data={"external_id": event.external_id,
                                                       "amount_fen": event.amount_fen})
            _apply_event(record, provider_code, event)
    except IntegrityError:
        return False
    return True


def _apply_event(record: PaymentEvent, provider_code: str, event: ProviderEvent) -> None:
    payment = (Payment.objects.select_for_update()
               .filter(provider=provider_code, external_id=event.external_id).first() if event.external_id else None)
    if payment is None:
        return  # not ours (another system on the same account) — recorded, nothing to do
    record.payment = payment
    record.save(update_fields=["payment"])
    if event.kind == "succeeded" and payment.status != Payment.Status.PAID:
        if event.amount_fen != payment.amount_fen:
            audit_event_record(actor=None, action="payment.amount_mismatch", target=payment,
                               data={"expected": payment.amount_fen, "got": event.amount_fen})
            return
        payment.status, payment.paid_at = Payment.Status.PAID, timezone.now()
        payment.save(update_fields=["status", "paid_at"])
        audit_event_record(actor=None, action="payment.paid", target=payment, data={"event": event.event_id})
    elif event.kind == "failed" and payment.status == Payment.Status.PENDING:
        payment.status = Payment.Status.FAILED
        payment.save(update_fields=["status"])
        audit_event_record(actor=None, action="payment.failed", target=payment, data={"event": event.event_id})


def order_is_paid(order) -> bool:
    return Payment.objects.filter(order=order, status=Payment.Status.PAID).exists()


def cash_taken_record(*, part: OrderPart, actor: User) -> Payment:
    """Cash for one part, taken when the goods are handed over. Called inside the move's transaction."""
    payment = Payment.objects.create(order=part.order, provider="cash", amount_fen=part.total_fen,
                                     external_id=f"cash-{part.reference}", status=Payment.Status.PAID,
                                     paid_at=timezone.now())
    audit_event_record(actor=actor, action="payment.cash_taken", target=payment,
                       data={"part": part.reference, "amount_fen": part.total_fen})
    return payment


def part_refund(*, part: OrderPart, actor: User) -> Refund:
    """Give the part's money back through the provider that took it. Called inside the move's transaction."""
    payment = _payment_for_part(part)
    if payment is None:
        raise ValidationError(_("No money was taken for this part, so there is nothing to refund."))
    amount = part.total_fen
    already = sum(payment.refunds.values_list("amount_fen", flat=True))
    if already + amount > payment.amount_fen:
        raise ValidationError(_("The refund would exceed what was paid."))
    external_id = get_provider(payment.provider, available_only=False).refund(
        external_id=payment.external_id, amount_fen=amount, reference=part.reference)
    refund = Refund.objects.create(payment=payment, part=part, amount_fen=amount, external_id=external_id)
    audit_event_record(actor=actor, action="payment.refunded", target=payment,
                       data={"part": part.reference, "amount_fen": amount, "refund": external_id})
    return refund


def _payment_for_part(part: OrderPart) -> Payment | None:
    paid = Payment.objects.filter(order=part.order, status=Payment.Status.PAID)
    return paid.filter(external_id=f"cash-{part.reference}").first() or paid.exclude(provider="cash").first()


def payment_webhook_receive(*, provider_code: str, payload: bytes, signature: str) -> bool:
    """Verify a provider's notification and act on it once; WebhookRejected when it does not verify."""
    provider = get_provider(provider_code, available_only=False)
    return payment_event_handle(provider_code=provider.code,
                                event=provider.parse_webhook(payload=payload, signature=signature))
