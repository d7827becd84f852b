"""Payments of orders: start one with a provider, act on the provider's (verified) notifications,
record cash at handover, and refund an order part."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from core.idempotency import create_once
from shop.models import OrderPart, Payment, PaymentEvent, Refund
from shop.payments import ProviderEvent, decline_message, get_provider

# The states a provider's "succeeded" notification moves to paid.
PAYABLE = (Payment.Status.PENDING, Payment.Status.FAILED, Payment.Status.CANCELLED)
# A card attempt closed by the sweep (services/card_attempts.py): its key is freed for a new attempt.
CLOSED = (Payment.Status.CANCELLED, Payment.Status.REFUNDED)
CLOSED_KEY_MARK = "~closed-"


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
            payment = (Payment.objects.select_for_update().filter(provider=provider_code,
                                                                  external_id=event.external_id).first()
                       if event.external_id else None)
            PaymentEvent.objects.create(provider=provider_code, event_id=event.event_id, payment=payment,
                                        kind=event.raw_type or event.kind,
                                        data={"external_id": event.external_id, "amount_fen": event.amount_fen})
            if payment is not None:  # else not ours (another system on the same account): recorded, nothing to do
                _apply_event(payment, event)
    except IntegrityError:
        return False
    return True


def _apply_event(payment: Payment, event: ProviderEvent) -> None:
    # A late "succeeded" for a cancelled attempt means the card was charged after all: it becomes paid
    # (with no order, the sweep gives the money back). One already refunded in full stays refunded.
    if event.kind == "succeeded" and payment.status in PAYABLE:
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


def wallet_taken_record(*, order, provider: str, out_trade_no: str, amount_fen: int, actor: User) -> Payment:
    """A counter sale paid by WeChat Pay / Alipay at the till's QR (the wallet has confirmed it): one payment for
    the order under the wallet's order number, so a part returned later is refunded to the wallet. Called
    inside the sale's transaction."""
    payment = Payment.objects.create(order=order, provider=provider, amount_fen=amount_fen, external_id=out_trade_no,
                                     status=Payment.Status.PAID, paid_at=timezone.now())
    audit_event_record(actor=actor, action="payment.wallet_taken", target=payment,
                       data={"order": str(order.number), "amount_fen": amount_fen, "out_trade_no": out_trade_no})
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


def wallet_notice_receive(*, provider_code: str, meta: dict, body: bytes) -> bool:
    """A WeChat Pay or Alipay notification: verified (signature, timestamp, decryption) and acted on once;
    a replay returns False and changes nothing. WebhookRejected when it does not verify."""
    provider = get_provider(provider_code, available_only=False)
    if not getattr(provider, "is_wallet", False):
        raise LookupError(provider_code)
    return payment_event_handle(provider_code=provider.code, event=provider.parse_notice(meta=meta, body=body))


def wallet_payment_confirm(*, payment: Payment) -> Payment:
    """A wallet payment still pending: ask the wallet, and record it paid if (and only if) its verified answer
    says so. No answer, or not paid: nothing changes (the payment is never shown paid on a guess)."""
    provider = get_provider(payment.provider, available_only=False)
    if payment.status not in PAYABLE or not getattr(provider, "is_wallet", False) or not payment.external_id:
        return payment
    event = provider.confirmed_event(external_id=payment.external_id)
    if event is not None:
        payment_event_handle(provider_code=provider.code, event=event)
        payment.refresh_from_db()
    return payment


# --- Card payment inside the checkout: the order is placed only after the card went through. ---

class CardNotTaken(Exception):
    """The card step of the checkout did not go through; the message is for the resident."""


def card_attempt_key(*, basket_id: int, provider_code: str, amount_fen: int) -> str:
    return f"basket-{basket_id}-{provider_code}-{amount_fen}"


def closed_attempt_key(payment: Payment) -> str:
    """The key a closed attempt keeps: unique still, and no longer the basket's, so that the basket's
    next checkout starts a fresh attempt (and a fresh PaymentIntent)."""
    if CLOSED_KEY_MARK in payment.attempt_key:
        return payment.attempt_key
    return f"{payment.attempt_key}{CLOSED_KEY_MARK}{payment.pk}"


def checkout_card_attempt(*, basket_id: int, order_number: str, provider_code: str, amount_fen: int) -> Payment:
    """The card payment for this basket and amount, started once (the key makes reloads and retries
    find the same row, and so the same PaymentIntent). A changed basket total gets a new attempt."""
    key = card_attempt_key(basket_id=basket_id, provider_code=provider_code, amount_fen=amount_fen)
    with transaction.atomic():  # a provider that cannot start leaves no attempt behind
        payment, created = create_once(Payment, key={"attempt_key": key}, build=lambda: Payment(
            provider=get_provider(provider_code).code, amount_fen=amount_fen))
        if not created:  # a reload, a retry, or a second tab at the same moment
            return payment
        provider = get_provider(provider_code)
        started = provider.start(payment_id=payment.pk, order_number=order_number, amount_fen=amount_fen)
        payment.external_id, payment.client_secret = started.external_id, started.client_secret
        payment.save(update_fields=["external_id", "client_secret"])
    audit_event_record(actor=None, action="payment.started", target=payment,
                       data={"provider": provider.code, "amount_fen": amount_fen, "attempt": key})
    return payment


def checkout_card_verify(*, attempt_key: str, amount_fen: int) -> Payment:
    """Before the order is placed: the attempt must be for this amount and the card must have gone
    through. Raises CardNotTaken (the basket stays as it is).

    The provider is asked before the row is locked, so no lock is held while it answers; the row is
    then locked and checked again. The lock (held until the placing commits) still takes two submits of
    one checkout one after the other, and keeps the sweep from closing an attempt being placed."""
    seen = _open_attempt(attempt_key, amount_fen)
    state = None
    provider = get_provider(seen.provider, available_only=False)
    wallet = getattr(provider, "is_wallet", False)
    if seen.status != Payment.Status.PAID:
        state = provider.intent_status(external_id=seen.external_id)
        if wallet and state == "succeeded":  # paid, but the notification has not come: the query's answer records it
            seen = wallet_payment_confirm(payment=seen)
    payment = Payment.objects.select_for_update().get(pk=seen.pk)
    if payment.attempt_key != attempt_key or payment.status in CLOSED:
        raise CardNotTaken(card_attempt_closed_message())  # the sweep closed it while the provider answered
    if payment.status == Payment.Status.PAID:
        return payment
    if state is None:  # no state at the provider: its (verified) notifications have told us
        state = {Payment.Status.FAILED: "declined"}.get(payment.status, "pending")
    if state == "declined":
        raise CardNotTaken(_("This payment was closed and took no money. Reload the page for a new QR code.")
                           if wallet else decline_message("card_declined"))
    if state != "succeeded":
        raise CardNotTaken(_("Your payment has not arrived yet. Scan the QR code with %(wallet)s, confirm the "
                             "payment on your phone, then press the button again.") % {"wallet": provider.label}
                           if wallet else _("The card payment has not gone through yet. Enter your card and press Pay."))
    return payment


def _open_attempt(attempt_key: str, amount_fen: int) -> Payment:
    """The attempt under this key, read without a lock; CardNotTaken when it was closed or is for
    another amount."""
    payment = Payment.objects.filter(attempt_key=attempt_key).first() if attempt_key else None
    if payment is None and attempt_key and Payment.objects.filter(
            attempt_key__startswith=f"{attempt_key}{CLOSED_KEY_MARK}").exists():
        raise CardNotTaken(card_attempt_closed_message())
    if payment is None or payment.amount_fen != amount_fen:
        raise CardNotTaken(_("Your basket changed while you were paying. Nothing more was charged: "
                             "check the order and pay again."))
    return payment


def card_attempt_closed_message() -> str:
    return _("This card payment was closed because the checkout was left open too long; any money it took "
             "goes back to the card. Your basket is unchanged: pay again on this page.")


def checkout_card_attach(*, attempt_key: str, order) -> Payment:
    """The order now exists: the card payment belongs to it. Called inside the placing transaction."""
    payment = Payment.objects.select_for_update().get(attempt_key=attempt_key)
    payment.order = order
    payment.save(update_fields=["order"])
    audit_event_record(actor=None, action="payment.attached", target=payment,
                       data={"order": order.number, "status": payment.status})
    return payment


def attempt_order_number(*, attempt_key: str) -> str | None:
    """The order a card attempt already became, if any (a double submit is sent to it)."""
    return (Payment.objects.filter(attempt_key=attempt_key, order__isnull=False)
            .values_list("order__number", flat=True).first()) if attempt_key else None


def simulated_card_confirm(*, client_secret: str, card_number: str) -> tuple[str, str]:
    """The demo gateway confirming a card in the page, as Stripe.js does: ("succeeded", "") or
    ("declined", code). It notifies us through the same signed path as a real webhook."""
    from shop.payments import simulator

    payment = Payment.objects.filter(provider="card_sim", client_secret=client_secret).first() \
        if client_secret else None
    if payment is None:
        return "declined", "card_declined"
    if payment.status in CLOSED:  # as Stripe refuses to confirm a cancelled PaymentIntent
        return "declined", "payment_intent_unexpected_state"
    if payment.status == Payment.Status.PAID:
        return "succeeded", ""  # a second press of Pay: already paid, nothing is sent again
    outcome = simulator.card_outcome(card_number)
    if outcome == "incorrect_number":
        return "declined", outcome  # refused before the gateway charges anything, like Stripe.js
    kind = "succeeded" if outcome == "succeeded" else "failed"
    payload, signature = simulator.simulated_event(external_id=payment.external_id, kind=kind,
                                                   amount_fen=payment.amount_fen)
    payment_webhook_receive(provider_code="card_sim", payload=payload, signature=signature)
    return ("succeeded", "") if kind == "succeeded" else ("declined", outcome)
