"""Oscar's checkout with our steps: fulfilment instead of an address book, a choice of payment
provider, the card paid on the preview page before the order is placed, and after placing the order
its split into one part per merchant (shop/services/orders.py)."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import generic
from oscar.apps.checkout import exceptions as checkout_exceptions
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.views import *  # noqa: F403  Oscar's forked module keeps every name
from oscar.core.loading import get_class, get_classes, get_model

from agency.wallets import WalletError
from core.money import fen_from_decimal
from shop.addresses import china_id
from shop.checkout.forms import FulfilmentForm
from shop.checkout.fulfilment import fulfilment_get, fulfilment_set
from shop.models import Fulfilment
from shop.payments import available_providers, get_provider
from shop.payments.stripe_card import allows_stripe_js
from shop.selectors.shoppers import (
    delivery_still_offered,
    delivery_townships,
    pickup_stations,
    shopper_station_for,
)
from shop.services.orders import basket_vouchers_lock, order_parts_create
from shop.services.payments import (
    CardNotTaken,
    attempt_order_number,
    checkout_card_attach,
    checkout_card_attempt,
    checkout_card_verify,
)
from shop.services.shoppers import shopper_station_remember
from stations.models import Region

CheckoutSessionMixin = get_class("checkout.session", "CheckoutSessionMixin")
Order = get_model("order", "Order")
RedirectRequired, UnableToTakePayment = get_classes("payment.exceptions", ["RedirectRequired", "UnableToTakePayment"])
SESSION_ORDERS_KEY = "shop_orders"  # order numbers this browser placed: it may open their pay page


def _basket_partner_ids(basket) -> set[int]:
    return {line.stockrecord.partner_id for line in basket.all_lines() if line.stockrecord_id}


class ShippingAddressView(CheckoutSessionMixin, generic.FormView):
    """Step 1 after sign-in: pick-up at a station (free) or home delivery within a township (fee)."""

    template_name = "shop/checkout_fulfilment.html"
    form_class = FulfilmentForm
    success_url = reverse_lazy("checkout:shipping-method")
    pre_conditions = ["check_basket_is_not_empty", "check_basket_is_valid", "check_user_email_is_captured"]
    skip_conditions = ["skip_unless_basket_requires_shipping"]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "stations": pickup_stations(),
                "townships": delivery_townships(partner_ids=_basket_partner_ids(self.request.basket))}

    def get_initial(self):
        saved = fulfilment_get(self.checkout_session) or {}
        user = self.request.user
        station = shopper_station_for(user=user, session=self.request.session)
        return {"method": saved.get("method", Fulfilment.Method.PICKUP), "station": saved.get("station_id") or station,
                "township": saved.get("township_id"), "address": saved.get("address", ""),
                "recipient": saved.get("recipient") or (user.get_full_name() if user.is_authenticated else ""),
                "phone": saved.get("phone") or (getattr(user, "phone", "") if user.is_authenticated else "")}

    def form_valid(self, form):
        data = form.cleaned_data
        station, delivery = data["station"], data["method"] == Fulfilment.Method.DELIVERY
        township = form.townships.get(data["township"]) if delivery else None
        fulfilment_set(self.checkout_session, {
            "method": data["method"], "station_id": station.pk, "recipient": data["recipient"],
            "phone": data["phone"], "township_id": township.pk if township else None,
            "address": data["address"].strip() if delivery else "",
            "fee_fen": form.fees[township.pk] if township else 0})
        # Oscar still wants a shipping address: the station's, or the home the goods go to.
        self.checkout_session.ship_to_new_address({
            "first_name": data["recipient"], "line1": data["address"] if delivery else station.address,
            "line4": township.name if township else station.name, "country_id": china_id()})
        self.checkout_session.use_shipping_method(None)
        shopper_station_remember(user=self.request.user, session=self.request.session, station=station)
        return redirect(self.get_success_url())


class PaymentMethodView(CheckoutSessionMixin, generic.TemplateView):
    """Choose how to pay among the providers available here (cash always; card when configured)."""

    template_name = "shop/checkout_payment_method.html"
    pre_conditions = oscar_views.PaymentMethodView.pre_conditions
    skip_conditions = oscar_views.PaymentMethodView.skip_conditions

    def get_context_data(self, **kwargs):
        return super().get_context_data(providers=available_providers(),
                                        chosen=self.checkout_session.payment_method(), **kwargs)

    def post(self, request, *args, **kwargs):
        code = request.POST.get("provider", "")
        if code not in {p.code for p in available_providers()}:
            messages.error(request, _("Choose how you will pay."))
            return redirect("checkout:payment-method")
        self.checkout_session.pay_by(code)
        return redirect("checkout:preview")


@method_decorator(allows_stripe_js, name="dispatch")
class PaymentDetailsView(oscar_views.PaymentDetailsView):
    """Preview, pay and place the order. Cash is taken at handover; a card is paid on this page
    (our JS confirms it with the provider) and the order is placed only once the card went through.

    Idempotency: the order number comes from the basket (Oscar's generator) and the card attempt is
    keyed by basket and amount, so a double submit or a retried request finds the order already
    placed and is sent to it — never a second order or a second payment.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.POST.get("action") == "place_order":
            number = self._already_placed(request.POST)
            if number is not None:
                return self._to_placed_order(number)
        return super().dispatch(request, *args, **kwargs)

    def _already_placed(self, data) -> str | None:
        """The number of the order this very submission already became in this browser, if any."""
        number = attempt_order_number(attempt_key=data.get("card_attempt", "")) or data.get("order_number", "")
        # (numbers may be kept as int: Oscar's generator returns one before the order is reloaded)
        if number and str(number) in {str(n) for n in self.request.session.get(SESSION_ORDERS_KEY, [])}:
            return number
        return None

    def _to_placed_order(self, number: str):
        order = Order.objects.get(number=number)
        self.request.session["checkout_order_id"] = order.pk  # what Oscar's thank-you page reads
        return redirect("checkout:thank-you")

    def get_pre_conditions(self, request):
        return [*super().get_pre_conditions(request), "check_fulfilment_and_payment_are_chosen"]

    def check_fulfilment_and_payment_are_chosen(self, request):
        if fulfilment_get(self.checkout_session) is None:
            raise checkout_exceptions.FailedPreCondition(
                url=reverse("checkout:shipping-address"), message=_("Choose how you get your goods."))
        if self.checkout_session.payment_method() not in {p.code for p in available_providers()}:
            raise checkout_exceptions.FailedPreCondition(
                url=reverse("checkout:payment-method"), message=_("Choose how you will pay."))

    def _provider(self):
        code = self.checkout_session.payment_method()
        return get_provider(code) if code in {p.code for p in available_providers()} else None

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        provider = self._provider()
        ctx["fulfilment"] = fulfilment_get(self.checkout_session)
        ctx["payment_provider"] = provider
        basket = self.request.basket
        if basket.id and not basket.is_empty:
            ctx["order_number"] = self.generate_order_number(basket)
        if self.preview and provider is not None and not provider.settles_on_handover and ctx.get("order_total"):
            # The card payment for exactly this basket and total (the same one on every reload).
            try:
                ctx["card_payment"] = checkout_card_attempt(
                    basket_id=basket.id, order_number=ctx["order_number"], provider_code=provider.code,
                    amount_fen=fen_from_decimal(ctx["order_total"].incl_tax))
            except WalletError:  # the wallet did not answer or refused: nothing was started, nothing is kept
                ctx["wallet_unreachable"] = True
            ctx["stripe_key"] = settings.STRIPE_PUBLISHABLE_KEY if provider.code == "stripe" else ""
        return ctx

    def render_payment_details(self, request, **kwargs):
        # Our card step lives on the preview page: a declined card shows its error there.
        return self.render_preview(request, **kwargs)

    def handle_payment(self, order_number, total, **kwargs):
        """Cash: nothing now. Card: the attempt must have gone through at the provider (the signed
        notification, not this check, marks it paid)."""
        if Order.objects.filter(number=order_number).exists():
            # A second submit that raced the first past dispatch(): the basket is the placed order's.
            self.request.basket.submit()
            self.request.session["checkout_order_id"] = Order.objects.get(number=order_number).pk
            raise RedirectRequired(reverse("checkout:thank-you"))
        self._check_delivery_still_offered()
        provider = self._provider()
        if provider is None or provider.settles_on_handover:
            return
        try:
            checkout_card_verify(attempt_key=self.request.POST.get("card_attempt", ""), amount_fen=fen_from_decimal(total.incl_tax))
        except CardNotTaken as error:
            raise UnableToTakePayment(str(error)) from error

    def _check_delivery_still_offered(self) -> None:
        # The fee shown is the fee charged; but a township whose delivery was stopped meanwhile gets none.
        data = fulfilment_get(self.checkout_session) or {}
        if data.get("method") == Fulfilment.Method.DELIVERY and not delivery_still_offered(
                township_id=data.get("township_id")):
            raise UnableToTakePayment(_(
                "Home delivery to your township has just been stopped, so this order cannot be placed. Go back "
                "to the delivery step and choose pick-up at your station; a card already charged is refunded "
                "automatically."))

    def place_order(self, *args, **kwargs):
        # A savepoint: if a part or the card payment cannot be set up, Oscar shows the error on the
        # preview page and no half-made order remains (the request's transaction itself commits).
        with transaction.atomic():
            return self._place_order(*args, **kwargs)

    def _place_order(self, *args, **kwargs):
        basket_vouchers_lock(basket=kwargs["basket"], user=kwargs["user"])
        order = super().place_order(*args, **kwargs)
        data = fulfilment_get(self.checkout_session)
        provider = get_provider(self.checkout_session.payment_method())
        order_parts_create(order=order, method=data["method"], station=pickup_stations().get(pk=data["station_id"]),
                           recipient=data["recipient"], phone=data["phone"], payment_method=provider.code,
                           township=Region.objects.filter(pk=data["township_id"]).first(), address=data["address"],
                           delivery_fee_fen=data["fee_fen"])
        if not provider.settles_on_handover:
            checkout_card_attach(attempt_key=self.request.POST.get("card_attempt", ""), order=order)
        self.request.session[SESSION_ORDERS_KEY] = [*self.request.session.get(SESSION_ORDERS_KEY, [])[-9:],
                                                    str(order.number)]
        return order
