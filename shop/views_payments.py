"""The demo card gateway the checkout's JS confirms cards with, the pay page for orders whose card
payment is still open (placed before checkout took cards itself, or seeded), and the providers' webhooks."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from shop.checkout.views import SESSION_ORDERS_KEY
from shop.models import Payment
from shop.payments import WebhookRejected, decline_message, get_provider, simulator
from shop.payments.stripe_card import allows_stripe_js
from shop.selectors import orders as order_selectors
from shop.services.payments import (
    payment_webhook_receive,
    simulated_card_confirm,
    wallet_notice_receive,
    wallet_payment_confirm,
)

SIGNATURE_HEADERS = {"stripe": "HTTP_STRIPE_SIGNATURE", "card_sim": "HTTP_X_SIMULATOR_SIGNATURE"}


def _order_for(request, number: str):
    """The order, if it is the user's own or was placed in this browser; anyone else's is not found."""
    return order_selectors.access_payable_order_by_number(
        user=request.user, number=number, placed_here=request.session.get(SESSION_ORDERS_KEY, []))


@method_decorator(allows_stripe_js, name="dispatch")
class OrderPayView(View):
    """The card page: Stripe's card element, or the demo simulator's buttons."""

    def get(self, request, number):
        order = _order_for(request, number)
        payment = Payment.objects.filter(order=order).exclude(provider="cash").order_by("-pk").first()
        if payment is None:
            raise Http404
        provider = get_provider(payment.provider, available_only=False)
        if getattr(provider, "is_wallet", False):  # a lost notification: the wallet's own answer tells
            payment = wallet_payment_confirm(payment=payment)
        return render(request, "shop/order_pay.html", {
            "order": order, "payment": payment, "stripe_key": settings.STRIPE_PUBLISHABLE_KEY,
            "wallet": provider if getattr(provider, "is_wallet", False) else None,
            "is_simulator": payment.provider == "card_sim" and settings.ENABLE_SIMULATORS})


class OrderPaySimulateView(View):
    """The demo simulator: sends a signed notification through the same path as a real webhook."""

    def post(self, request, number):
        order = _order_for(request, number)
        payment = Payment.objects.filter(order=order, provider="card_sim").order_by("-pk").first()
        if payment is None or not simulator.CardSimulatorProvider().is_available():
            raise Http404
        kind = "succeeded" if request.POST.get("outcome") == "succeeded" else "failed"
        payload, signature = simulator.simulated_event(external_id=payment.external_id, kind=kind,
                                                       amount_fen=payment.amount_fen)
        payment_webhook_receive(provider_code="card_sim", payload=payload, signature=signature)
        return redirect("shop:order-pay", number=number)


class CardSimulatorConfirmView(View):
    """The demo card gateway, called by our checkout JS as Stripe.js calls Stripe: confirms the
    payment (client secret + card number) and answers JSON {status, error}. Card numbers never reach
    the shop's own order forms. 404 when the simulator is off (Stripe keys set, or production)."""

    def post(self, request):
        if not simulator.CardSimulatorProvider().is_available():
            raise Http404
        status, code = simulated_card_confirm(client_secret=request.POST.get("client_secret", ""),
                                              card_number=request.POST.get("card_number", ""))
        body = {"status": status}
        if code:
            body.update(code=code, error=decline_message(code))
        return JsonResponse(body, status=200 if status == "succeeded" else 402)


@method_decorator(csrf_exempt, name="dispatch")
class PaymentWebhookView(View):
    """Provider notifications: verified by signature, acted on once; a replay answers 200 and changes nothing."""

    def post(self, request, provider):
        if provider not in SIGNATURE_HEADERS or (provider == "card_sim" and not settings.ENABLE_SIMULATORS):
            raise Http404
        try:
            payment_webhook_receive(provider_code=provider, payload=request.body,
                                    signature=request.META.get(SIGNATURE_HEADERS[provider], ""))
        except WebhookRejected:
            return HttpResponseBadRequest("signature")
        return HttpResponse("ok")


WALLET_CODES = ("wechat", "alipay")


@method_decorator(csrf_exempt, name="dispatch")
class WalletNotifyView(View):
    """WeChat Pay's and Alipay's asynchronous notifications. Verified (WeChat: Wechatpay-* signature headers
    with the platform certificate, then the AEAD_AES_256_GCM resource; Alipay: RSA2 with its public key) and
    acted on once; a replay is answered as received and changes nothing. Refused: 401 / "fail", so that the
    gateway retries, and nothing is recorded."""

    def post(self, request, provider):
        if provider not in WALLET_CODES:
            raise Http404
        try:
            wallet_notice_receive(provider_code=provider, meta=request.META, body=request.body)
        except WebhookRejected:
            if provider == "wechat":
                return JsonResponse({"code": "FAIL", "message": "签名错误"}, status=401)
            return HttpResponse("fail", content_type="text/plain", status=400)
        if provider == "wechat":
            return HttpResponse(status=204)
        return HttpResponse("success", content_type="text/plain")
