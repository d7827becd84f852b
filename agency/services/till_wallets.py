"""WeChat Pay and Alipay at the till: a QR on the counter screen, the resident pays with their phone, the
till records what was paid for once the wallet confirms.

1. start (till_wallet_start): one wallet payment per idempotency key (a resend or a double click returns
   the first, with its QR), one out_trade_no per payment; the order is made at the wallet (WeChat Pay
   native, Alipay precreate) outside any transaction of ours. No answer → `unknown` (the order may exist:
   queries decide); a refusal → `closed` with the wallet's message.
2. check (till_wallet_check), asked by the counter page every few seconds, by the wallet's signed
   notification and by the sweep: the wallet's own answer to a query decides. Paid → the till records the
   payment (a bill payment or top-up, a government fee, a store sale) under the same key, paid by the
   wallet, posted to the station's wallet clearing account — the cash drawer does not move. Pending → the
   QR stays; past WALLET_PATIENCE the order is closed at the wallet first (a close the wallet refuses
   because it was paid meanwhile is a payment after all). No answer → nothing changes and nothing is shown
   as paid.
3. A payment the till cannot record once paid (the float ran out, the provider declined, the fee was
   paid another way meanwhile) goes back to the wallet (wallet_tender.wallet_refund).
Every change leaves an audit event ("agency.wallet.*").
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.models import User
from agency.models import CounterTransaction, Product, TillWalletPayment
from agency.services.access import require_operator
from agency.services.api import cash_sale_record, government_fee_take
from agency.services.common import insert_once, replay
from agency.services.payments import counter_payment_submit
from agency.services.wallet_tender import wallet_methods, wallet_refund
from agency.wallets import WECHAT, NoticeRejected, WalletError, WalletState, WalletUnreachable, alipay, wechat
from core.audit import audit_event_record
from core.idempotency import fingerprint
from core.money import yuan_plain
from core.row_locks import locked_row
from stations.models import Station

logger = logging.getLogger(__name__)
Paid = TillWalletPayment.Status
Kind = CounterTransaction.Kind
# How long the QR is offered before the order is closed at the wallet (the resident has walked away).
WALLET_PATIENCE = timedelta(minutes=5)
# The sweep leaves an open payment to the counter page this long before it asks the wallet itself.
SWEEP_AFTER = timedelta(minutes=1)


def _client(wallet: str):
    return wechat if wallet == WECHAT else alipay


def new_out_trade_no() -> str:
    """Unique at the wallet across databases and demo resets (≤ 32 characters): CZT + 28 random hex."""
    return f"CZT{secrets.token_hex(14).upper()}"


def notify_url(wallet: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("agency:till-wallet-notify", args=[wallet])


def _check_start(*, wallet: str, purpose: str, amount_fen: int, done_url: str) -> None:
    errors: dict[str, list[str]] = {}
    if wallet not in wallet_methods():
        errors["payment_method"] = [_("This wallet is not offered here.")]
    if purpose not in (Kind.PROVIDER, Kind.GOV_FEE, Kind.CASH_SALE):
        errors["purpose"] = [_("Only bill payments, top-ups, government fees and sales are paid by wallet.")]
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        errors["amount_fen"] = [_("The amount must be more than zero.")]
    elif amount_fen > settings.AGENCY_MAX_COUNTER_AMOUNT_FEN:
        errors["amount_fen"] = [_("The amount must not exceed %(high)s yuan.")
                                % {"high": yuan_plain(settings.AGENCY_MAX_COUNTER_AMOUNT_FEN)}]
    if done_url and not url_has_allowed_host_and_scheme(done_url, allowed_hosts=None):
        errors["done_url"] = [_("The page to return to must be on this site.")]
    if errors:
        raise ValidationError(errors)


def till_wallet_start(*, actor: User, station: Station, wallet: str, purpose: str, amount_fen: int,
                      idempotency_key: uuid.UUID, description: str, order: dict,
                      done_url: str = "") -> TillWalletPayment:
    """Open a wallet payment of `amount_fen` (what the resident pays in all) for `purpose`, with what the till
    records once paid in `order`; `done_url`: where the counter goes afterwards (a path on this site).
    The same key returns the first payment; with other content it is refused."""
    require_operator(actor, station)
    _check_start(wallet=wallet, purpose=purpose, amount_fen=amount_fen, done_url=done_url)
    print_ = fingerprint(wallet=wallet, station=station.pk, purpose=purpose, amount=amount_fen, order=order)
    existing = TillWalletPayment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return replay(existing, print_)
    payment = TillWalletPayment(
        idempotency_key=idempotency_key, fingerprint=print_, wallet=wallet, station=station, purpose=purpose,
        amount_fen=amount_fen, description=description.strip()[:120] or str(Kind(purpose).label), order=order,
        done_url=done_url, created_by=actor, expires_at=timezone.now() + WALLET_PATIENCE)
    with transaction.atomic():
        winner = insert_once(payment, code="out_trade_no", new_code=new_out_trade_no)
        if winner is not None:
            return replay(winner, print_)
        audit_event_record(actor=actor, action="agency.wallet.start", target=payment,
                           data={"wallet": wallet, "amount_fen": amount_fen, "purpose": purpose,
                                 "out_trade_no": payment.out_trade_no})
    return _order_at_wallet(payment, actor=actor)


def _order_at_wallet(payment: TillWalletPayment, *, actor) -> TillWalletPayment:
    """Make the QR order at the wallet (no lock held while it answers)."""
    title = f"村站 {payment.station.name} {payment.description}"
    try:
        if payment.wallet == WECHAT:
            made = wechat.native(out_trade_no=payment.out_trade_no, amount_fen=payment.amount_fen,
                                 description=title, notify_url=notify_url(payment.wallet),
                                 time_expire=timezone.localtime(payment.expires_at).isoformat(timespec="seconds"))
        else:
            made = alipay.precreate(out_trade_no=payment.out_trade_no, amount_fen=payment.amount_fen,
                                    subject=title, notify_url=notify_url(payment.wallet),
                                    timeout_express=f"{int(WALLET_PATIENCE.total_seconds() // 60)}m")
    except WalletUnreachable as error:  # the order may or may not exist: queries decide
        payment.status, payment.message = Paid.UNKNOWN, str(error)[:200]
    except WalletError as error:
        payment.status, payment.message, payment.closed_at = Paid.CLOSED, str(error)[:200], timezone.now()
    else:
        payment.code_url = made.code_url[:300]
    payment.save(update_fields=["status", "message", "closed_at", "code_url"])
    if payment.status != Paid.AWAITING:
        audit_event_record(actor=actor, action=f"agency.wallet.{payment.status}", target=payment,
                           data={"message": payment.message})
    return payment


def till_wallet_check(*, actor: User | None, payment: TillWalletPayment) -> TillWalletPayment:
    """Ask the wallet how the payment stands and act on its answer (see the module docstring). `actor=None`:
    the wallet's notification or the sweep. Returns the payment as it now is."""
    if actor is not None:
        require_operator(actor, payment.station)
    if payment.status == Paid.PAID and payment.counter_transaction_id is None:
        return _till_record(payment, actor=actor)
    if payment.status == Paid.CLOSED and actor is None:  # the wallet says something of an order we closed
        return _paid_after_close(payment)
    if not payment.is_open:
        return payment
    state = _client(payment.wallet).query(out_trade_no=payment.out_trade_no)
    if state.status in ("paid", "refunded"):
        return _paid(payment, state, actor=actor)
    if state.status == "closed" and not _not_made_yet(state):
        return _closed(payment, actor=actor, reason=state.message or _("Closed at the wallet."))
    if timezone.now() >= payment.expires_at:
        return till_wallet_close(actor=actor, payment=payment, reason=_("Not paid in time."))
    return payment


def _not_made_yet(state: WalletState) -> bool:
    """"No such order": Alipay says it of a QR nobody has scanned yet, either wallet of an order whose creation
    got no answer — not an end while the QR is still offered (the close at expiry settles it)."""
    return state.message.endswith("NOT_EXIST")


def till_wallet_close(*, actor: User | None, payment: TillWalletPayment, reason: str) -> TillWalletPayment:
    """Close an unpaid order at the wallet so that it can no longer take money (the operator cancels, or the
    QR timed out). A wallet that does not answer leaves it open; one that was paid meanwhile is recorded."""
    if actor is not None:
        require_operator(actor, payment.station)
    if not payment.is_open:
        return payment
    try:
        _client(payment.wallet).close(out_trade_no=payment.out_trade_no)
    except WalletUnreachable:
        return payment
    except WalletError as error:  # e.g. ORDERPAID: the resident paid while we closed
        logger.info("wallet refused to close %s: %s", payment.out_trade_no, error)
    state = _client(payment.wallet).query(out_trade_no=payment.out_trade_no)
    if state.status in ("paid", "refunded"):
        return _paid(payment, state, actor=actor)
    if state.status != "closed":
        return payment  # not confirmed closed: asked again on the next check
    return _closed(payment, actor=actor, reason=reason)


def _closed(payment: TillWalletPayment, *, actor, reason: str) -> TillWalletPayment:
    with transaction.atomic():
        payment = locked_row(TillWalletPayment.objects.filter(pk=payment.pk))
        if not payment.is_open:
            return payment
        payment.status, payment.closed_at, payment.message = Paid.CLOSED, timezone.now(), str(reason)[:200]
        payment.save(update_fields=["status", "closed_at", "message"])
        audit_event_record(actor=actor, action="agency.wallet.closed", target=payment, data={"reason": str(reason)})
    return payment


def _paid_after_close(payment: TillWalletPayment) -> TillWalletPayment:
    """Money taken for an order we had closed (an Alipay QR nobody had scanned cannot be closed; it expires
    at the wallet a little later): the operator has moved on, so it goes back to the resident's wallet."""
    state = _client(payment.wallet).query(out_trade_no=payment.out_trade_no)
    if state.status != "paid":
        return payment
    with transaction.atomic():
        payment = locked_row(TillWalletPayment.objects.filter(pk=payment.pk))
        if payment.status != Paid.CLOSED:
            return payment
        payment.status, payment.paid_at, payment.transaction_id = Paid.PAID, timezone.now(), state.transaction_id[:64]
        payment.save(update_fields=["status", "paid_at", "transaction_id"])
        audit_event_record(actor=None, action="agency.wallet.paid_after_close", target=payment,
                           data={"transaction_id": payment.transaction_id, "amount_fen": payment.amount_fen})
    return wallet_refund(payment, actor=None, reason=_("Paid after the QR code was closed."))


def _paid(payment: TillWalletPayment, state: WalletState, *, actor) -> TillWalletPayment:
    with transaction.atomic():
        payment = locked_row(TillWalletPayment.objects.filter(pk=payment.pk))
        if not payment.is_open:
            return payment
        if state.amount_fen and state.amount_fen != payment.amount_fen:  # never ours to record: the bill will say
            payment.status, payment.message = Paid.UNKNOWN, _("The wallet reports another amount: %(fen)s fen.") % {
                "fen": state.amount_fen}
            payment.save(update_fields=["status", "message"])
            audit_event_record(actor=actor, action="agency.wallet.amount_differs", target=payment,
                               data={"theirs_fen": state.amount_fen, "ours_fen": payment.amount_fen})
            return payment
        payment.status, payment.paid_at = Paid.PAID, timezone.now()
        payment.transaction_id, payment.message = state.transaction_id[:64], ""
        payment.save(update_fields=["status", "paid_at", "transaction_id", "message"])
        audit_event_record(actor=actor, action="agency.wallet.paid", target=payment,
                           data={"transaction_id": payment.transaction_id, "amount_fen": payment.amount_fen})
    return _till_record(payment, actor=actor)


def _record_provider(payment: TillWalletPayment, operator: User) -> CounterTransaction:
    order = payment.order
    return counter_payment_submit(
        actor=operator, station=payment.station, product=Product.objects.select_related("provider").get(
            pk=order["product"]), account_number=order["account_number"], amount_fen=order["amount_fen"],
        idempotency_key=payment.idempotency_key, payment_method=payment.wallet,
        customer_name=order.get("customer_name", ""))


def _record_fee(payment: TillWalletPayment, operator: User) -> CounterTransaction:
    order = payment.order
    return government_fee_take(
        actor=operator, station=payment.station, amount_fen=payment.amount_fen,
        idempotency_key=payment.idempotency_key, external_reference=order["external_reference"],
        description=order.get("description", ""), payment_method=payment.wallet,
        payee_code=order.get("payee_code", ""), payee_name=order.get("payee_name", ""))


# Sales whose goods are only handed over once the wallet confirms: the selling app names its recorder in the
# payment's order ({"recorder": name}) and registers it here (its AppConfig.ready); agency knows nothing of it.
# A recorder places what was paid for and records the till's sale (cash_sale_record under the payment's
# key, paid by the wallet) in one transaction, or raises ValidationError (nothing placed: the money goes back).
SALE_RECORDERS: dict[str, Callable[..., CounterTransaction]] = {}


def sale_recorder_register(name: str, recorder: Callable[..., CounterTransaction]) -> None:
    """recorder(*, payment, operator) -> CounterTransaction; called once the wallet has confirmed."""
    SALE_RECORDERS[name] = recorder


def _record_sale(payment: TillWalletPayment, operator: User) -> CounterTransaction:
    order = payment.order
    if order.get("recorder"):
        recorder = SALE_RECORDERS.get(order["recorder"])
        if recorder is None:
            raise ValidationError(_("Nothing here records this sale."), code="no_recorder")
        return recorder(payment=payment, operator=operator)
    return cash_sale_record(actor=operator, station=payment.station, amount_fen=payment.amount_fen,
                            idempotency_key=payment.idempotency_key, external_reference=order["external_reference"],
                            description=order.get("description", ""), payment_method=payment.wallet)


RECORDERS = {Kind.PROVIDER: _record_provider, Kind.GOV_FEE: _record_fee, Kind.CASH_SALE: _record_sale}


def _till_record(payment: TillWalletPayment, *, actor) -> TillWalletPayment:
    """The till's record of what the confirmed payment was for, once (the same key), by the operator who
    took it. One the till refuses is refunded to the wallet."""
    operator = actor if actor is not None else payment.created_by
    try:
        tx = RECORDERS[payment.purpose](payment, operator)
    except (ValidationError, PermissionDenied) as error:
        reason = " ".join(getattr(error, "messages", [str(error)]))[:200]
        audit_event_record(actor=actor, action="agency.wallet.not_recorded", target=payment, data={"reason": reason})
        return wallet_refund(payment, actor=actor, reason=reason)
    TillWalletPayment.objects.filter(pk=payment.pk, counter_transaction__isnull=True).update(counter_transaction=tx)
    payment.refresh_from_db()
    return payment


def till_wallet_notice(*, wallet: str, meta: dict, body: bytes) -> TillWalletPayment | None:
    """A wallet's asynchronous notification about a till order: verified (NoticeRejected otherwise), then the
    order is checked by a query, so a replay or a forged-but-valid-looking notice changes nothing by itself.
    None for an order that is not the till's."""
    if wallet == WECHAT:
        notice = wechat.notice(headers=meta, body=body)
    else:
        from urllib.parse import parse_qsl

        try:
            notice = alipay.notice(form=dict(parse_qsl(body.decode(), keep_blank_values=True)))
        except UnicodeDecodeError as error:
            raise NoticeRejected("not a form") from error
    payment = TillWalletPayment.objects.filter(wallet=wallet, out_trade_no=notice.out_trade_no).first()
    if payment is None:
        return None
    return till_wallet_check(actor=None, payment=payment)


def till_wallets_sweep(*, limit: int = 200) -> dict:
    """The periodic task's part: open payments the counter page left (asked, closed when expired), paid
    ones not yet recorded, refunds not confirmed. Returns counts by resulting status."""
    counts: dict[str, int] = {}
    cutoff = timezone.now() - SWEEP_AFTER
    waiting = TillWalletPayment.objects.filter(created_at__lt=cutoff).filter(
        status__in=[Paid.AWAITING, Paid.UNKNOWN, Paid.REFUND_PENDING]).select_related("station")
    unrecorded = TillWalletPayment.objects.filter(status=Paid.PAID, counter_transaction__isnull=True,
                                                  paid_at__lt=cutoff).select_related("station")
    for payment in [*waiting.order_by("created_at")[:limit], *unrecorded.order_by("paid_at")[:limit]]:
        if payment.status == Paid.REFUND_PENDING:
            payment = wallet_refund(payment, actor=None, reason=payment.message or _("Refund asked again."))
        else:
            payment = till_wallet_check(actor=None, payment=payment)
        counts[payment.status] = counts.get(payment.status, 0) + 1
    return counts
