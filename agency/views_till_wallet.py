"""WeChat Pay and Alipay at the till (/counter/till/wallet/…): the QR on the counter screen, the page
asking the wallet until it confirms, the operator's cancel, the "done" step, and the wallets'
notifications (/till/wallet/<wallet>/notify/).

The payment itself is agency/services/till_wallets.py. The page shows paid only when the wallet has
confirmed it (a query); while the wallet does not answer it says so and keeps asking. Each flow that takes
money starts its wallet payment with `wallet_pay_redirect` (a bill payment here, a government fee in
gov_services) and names where the operator goes once paid (the payment's `done_url`, a POST form carrying
the visit and `next`).
"""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from agency import selectors, services
from agency.models import CounterTransaction, Product, TillWalletPayment, VisitErrand
from agency.receipts import mask_account
from agency.services.till_wallets import (
    till_wallet_check,
    till_wallet_close,
    till_wallet_notice,
    till_wallet_start,
)
from agency.views_common import TillAccessMixin
from agency.visit_links import next_url, visit_context, visit_of
from agency.wallets import ALIPAY, WECHAT, NoticeRejected, WalletError, wallet_mode
from stations.scope import scope_for

Paid = TillWalletPayment.Status
non_atomic = method_decorator(transaction.non_atomic_requests, name="dispatch")
# How often the counter page asks (milliseconds); the wallet is asked once per request.
POLL_EVERY_MS = 2000


def wallet_page_url(request, payment: TillWalletPayment) -> str:
    """The QR page, carrying the visit and `next` of the page that started it."""
    context = visit_context(request)
    query = context["visit_query"] or (urlencode({"next": next_url(request, "")}) if next_url(request, "") else "")
    page = reverse("agency:till-wallet", args=[payment.pk])
    return f"{page}?{query}" if query else page


def wallet_pay_redirect(request, *, station, wallet: str, purpose: str, amount_fen: int, key, description: str,
                        order: dict, done_url: str = "") -> HttpResponseRedirect:
    """Start (or find again, same key) the wallet payment and send the operator to its QR page. A refusal
    raises ValidationError for the calling form."""
    payment = till_wallet_start(actor=request.user, station=station, wallet=wallet, purpose=purpose,
                                amount_fen=amount_fen, idempotency_key=key, description=description, order=order,
                                done_url=done_url)
    return HttpResponseRedirect(wallet_page_url(request, payment))


def provider_wallet_redirect(request, *, station, product: Product, number: str, data: dict) -> HttpResponseRedirect:
    """A bill payment or top-up paid by a wallet: the resident pays amount + fee, then the provider is paid."""
    return wallet_pay_redirect(
        request, station=station, wallet=data["payment_method"], purpose=CounterTransaction.Kind.PROVIDER,
        amount_fen=data["amount"] + product.customer_fee_fen, key=data["idempotency_key"],
        description=product.name, order={"product": product.pk, "account_number": number, "amount_fen": data["amount"],
                                         "customer_name": data.get("customer_name") or ""})


def wallet_choices(user) -> list[tuple[str, str]]:
    """(value, label) of the wallets this user's till offers now (none for anyone who keeps no till)."""
    if not scope_for(user).is_till_keeper:
        return []
    return [(method, str(CounterTransaction.PaymentMethod(method).label)) for method in services.wallet_methods()]


def _qr(content: str) -> str:
    if not content:
        return ""
    return mark_safe(segno.make(content, error="m", micro=False).svg_inline(scale=5, border=2, title="QR"))


def _state(payment: TillWalletPayment) -> dict:
    """What the page (and its script) reads: the status, and whether the resident is still to pay."""
    tx = payment.counter_transaction
    return {"status": payment.status, "label": str(payment.get_status_display()), "open": payment.is_open,
            "paid": payment.status == Paid.PAID and tx is not None,
            "till_status": tx.status if tx is not None else "", "message": payment.message}


class TillWalletMixin(TillAccessMixin):
    def get_payment(self, pk: int) -> TillWalletPayment:
        return self.own(selectors.access_till_wallet_payment_by_id(user=self.request.user, payment_id=pk))


class TillWalletPageView(TillWalletMixin, View):
    """The QR the resident scans, the amount, and where it stands (the page's script asks every 2 s)."""

    def get(self, request, pk):
        payment = self.get_payment(pk)
        return TemplateResponse(request, "agency/till_wallet.html", {
            "station": self.station, "payment": payment, "qr": _qr(payment.code_url) if payment.is_open else "",
            "state": _state(payment), "poll_ms": POLL_EVERY_MS,
            "is_simulator": wallet_mode(payment.wallet) == "simulator",
            "done_url": payment.done_url or reverse("agency:till-wallet-done", args=[payment.pk]),
            # A sale is only placed once paid: closed or refunded, its screen takes the operator back.
            "back_url": payment.done_url if (payment.purpose == CounterTransaction.Kind.CASH_SALE and payment.done_url
                                             and not payment.is_open and payment.counter_transaction_id is None
                                             and payment.status != Paid.PAID) else "",
            **visit_context(request)})


@non_atomic
class TillWalletCheckView(TillWalletMixin, View):
    """Ask the wallet now (the page's script, or the operator's button without script)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        payment = till_wallet_check(actor=request.user, payment=self.get_payment(pk))
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse(_state(payment))
        return HttpResponseRedirect(wallet_page_url(request, payment))


@non_atomic
class TillWalletCancelView(TillWalletMixin, View):
    """The resident will not pay this way: close the order at the wallet (cash stays possible)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        payment = till_wallet_close(actor=request.user, payment=self.get_payment(pk),
                                    reason=_("Cancelled at the counter."))
        if payment.status == Paid.CLOSED:
            messages.info(request, _("The QR code is closed; nothing was paid."))
        elif payment.status == Paid.PAID:
            messages.success(request, _("The resident had already paid: the payment is recorded."))
        else:
            messages.warning(request, _("The wallet did not answer; the QR code is closed as soon as it does."))
        return HttpResponseRedirect(wallet_page_url(request, payment))


class TillWalletDoneView(TillWalletMixin, View):
    """After a bill payment or top-up paid by a wallet: its result page, and the visit's errand."""

    http_method_names = ["post"]

    def post(self, request, pk):
        payment = self.get_payment(pk)
        tx = payment.counter_transaction
        if tx is None:
            return HttpResponseRedirect(wallet_page_url(request, payment))
        detail = reverse("agency:transaction-detail", args=[tx.pk])
        visit = visit_of(request)
        if visit is None or tx.status != CounterTransaction.Status.SUCCEEDED or tx.kind != CounterTransaction.Kind.PROVIDER:
            return HttpResponseRedirect(detail)
        try:
            services.visit_errand_add(actor=request.user, visit=visit, kind=VisitErrand.Kind.BILL,
                                      reference=tx.reference, label=f"{tx.product.name} {mask_account(tx)}",
                                      idempotency_key=payment.idempotency_key, counter_transaction=tx)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(detail)
        return HttpResponseRedirect(next_url(request, detail))


@method_decorator(csrf_exempt, name="dispatch")
@non_atomic
class TillWalletNotifyView(View):
    """WeChat Pay's and Alipay's notifications about the till's orders: verified, then the order is asked
    about (till_wallet_check). Refused: 401 / "fail", so that the wallet retries; nothing is recorded."""

    http_method_names = ["post"]

    def post(self, request, wallet):
        if wallet not in (WECHAT, ALIPAY) or not wallet_mode(wallet):
            raise Http404
        try:
            till_wallet_notice(wallet=wallet, meta=request.META, body=request.body)
        except (NoticeRejected, WalletError):
            if wallet == WECHAT:
                return JsonResponse({"code": "FAIL", "message": "签名错误"}, status=401)
            return HttpResponse("fail", content_type="text/plain", status=400)
        if wallet == WECHAT:
            return HttpResponse(status=204)
        return HttpResponse("success", content_type="text/plain")
