"""The merchant's workspace (/merchant/…): their home, their products on one screen each, the list's quick
stock edit. Oscar's dashboard is not theirs any more (shop/dashboard/apps.py keeps it for staff).

Who gets in is MerchantMixin's rule (the users of a member merchant); which rows is the selectors'.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from core.money import fen_from_decimal
from core.service_errors import errors_onto
from shop.forms_merchant import MerchantProductForm, StockForm
from shop.models import MerchantStatement
from shop.selectors import merchant_catalogue as catalogue
from shop.selectors import merchant_orders as orders
from shop.selectors.merchants import merchant_for_user, revet_is_due
from shop.services import merchant_catalogue as services
from stations.mixins import MerchantMixin
from stations.navigation import merchant_navigation, navigation_for
from stations.scope import scope_for


class MerchantWorkspaceMixin(MerchantMixin):
    """The workspace's frame for every merchant page: their membership and the declared tabs."""

    def workspace_context(self) -> dict:
        merchant = merchant_for_user(user=self.request.user)
        return {"merchant": merchant, "revet_due": merchant is not None and revet_is_due(merchant),
                "workspace_nav": navigation_for(scope_for(self.request.user), merchant_navigation())}

    def render(self, template: str, context: dict, status: int = 200):
        return render(self.request, template, {**self.workspace_context(), **context}, status=status)


class MerchantHomeView(MerchantWorkspaceMixin, View):
    """Where a merchant lands after signing in: what waits for them, their catalogue, their standing."""

    def get(self, request):
        stock = catalogue.merchant_stock_list(user=request.user)
        parts = list(orders.merchant_part_list(user=request.user, tab="todo"))
        return self.render("shop/merchant_home.html", {
            "counts": orders.merchant_tab_counts(user=request.user), "packing": orders.packing_list(parts),
            "product_count": stock.count(), "low_stock": stock.filter(num_in_stock__lte=catalogue.LOW_STOCK).count(),
            "latest_statement": MerchantStatement.objects.filter(
                merchant__partner_id__in=scope_for(request.user).partner_ids).first(),
        })


class MerchantProductListView(MerchantWorkspaceMixin, View):
    def get(self, request):
        query = request.GET.get("q", "").strip()[:100]
        return self.render("shop/merchant_product_list.html", {
            "rows": catalogue.merchant_stock_list(user=request.user, query=query), "query": query,
            "low_stock": catalogue.LOW_STOCK})


class MerchantProductFormMixin(MerchantWorkspaceMixin):
    template_name = "shop/merchant_product_form.html"
    record = None

    def form(self, data=None, files=None, initial=None):
        images = list(self.record.product.images.all()) if self.record else []
        return MerchantProductForm(data, files, initial=initial, categories=catalogue.category_choices(),
                                   images=images)

    def show(self, form, status=200):
        return self.render(self.template_name, {"form": form, "record": self.record,
                                                "images": list(self.record.product.images.all())
                                                if self.record else []}, status=status)

    def post(self, request, **kwargs):
        form = self.form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record = services.merchant_product_save(
                    user=request.user, product_id=self.record.product_id if self.record else None,
                    title=data["title"], description=data["description"], category_id=data["category"],
                    price_fen=data["price"], stock=data["stock"], sku=data["sku"], images=data["images"],
                    remove_image_ids=data["remove_images"])
            except ValidationError as error:
                errors_onto(form, error, fields={"price_fen": "price", "category_id": "category"})
            else:
                messages.success(request, _("“%(title)s” is saved.") % {"title": record.product.title})
                return redirect("shop:merchant-products")
        return self.show(form, status=422)


class MerchantProductCreateView(MerchantProductFormMixin, View):
    def get(self, request):
        return self.show(self.form())


class MerchantProductEditView(MerchantProductFormMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_workspace(request.user):
            self.record = catalogue.access_merchant_stock_by_product_id(user=request.user, product_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        product = self.record.product
        category = product.categories.first()
        return self.show(self.form(initial={
            "title": product.title, "description": product.description, "price": fen_from_decimal(self.record.price),
            "stock": self.record.num_in_stock, "sku": self.record.partner_sku,
            "category": category.pk if category else None}))


class MerchantStockSetView(MerchantWorkspaceMixin, View):
    """The product list's quick stock edit (one number; back to the list)."""

    def post(self, request, pk):
        record = catalogue.access_merchant_stock_by_product_id(user=request.user, product_id=pk)
        form = StockForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("%(title)s: stock is a whole number, 0 or more.") % {"title": record.product.title})
        else:
            try:
                services.merchant_stock_set(user=request.user, product_id=pk, stock=form.cleaned_data["stock"])
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("%(title)s: %(n)d in stock.") % {"title": record.product.title,
                                                                         "n": form.cleaned_data["stock"]})
        return redirect(f"{redirect('shop:merchant-products').url}#product-{pk}")
