"""The merchant's orders (/merchant/orders/…): what to prepare for which station, each part's lines,
history and next moves; and the county's scoped view of merchants' goods and orders (/county/…).

A move is posted to shop:merchant-part-move (shop/views_orders.py), which comes back here.
"""

from django.shortcuts import render
from django.views import View

from shop import order_flow
from shop.models import OrderPart
from shop.selectors import merchant_catalogue as catalogue
from shop.selectors import merchant_orders as orders
from shop.selectors.merchants import merchant_list
from shop.selectors.orders import moves_for
from shop.views_merchant import MerchantWorkspaceMixin
from stations.mixins import CountyStaffMixin

PAGE_SIZE = 100


class MerchantOrderListView(MerchantWorkspaceMixin, View):
    def get(self, request):
        tab = request.GET.get("tab", "todo")
        tab = tab if tab in orders.TABS else "todo"
        parts = list(orders.merchant_part_list(user=request.user, tab=tab)[:PAGE_SIZE])
        for part in parts:
            part.moves = [(m, order_flow.ACTION_LABELS[m]) for m in moves_for(user=request.user, part=part)]
        return self.render("shop/merchant_order_list.html", {
            "tab": tab, "parts": parts, "counts": orders.merchant_tab_counts(user=request.user),
            "packing": orders.packing_list(parts) if tab == "todo" else []})


class MerchantOrderDetailView(MerchantWorkspaceMixin, View):
    def get(self, request, pk):
        part = orders.access_merchant_part_by_id(user=request.user, part_id=pk)
        return self.render("shop/merchant_order_detail.html", {
            "part": part, "lines": part.order.merchant_lines, "fulfilment": part.order.fulfilment,
            "events": part.events.select_related("actor"), "needs_reason": order_flow.NEEDS_REASON,
            "moves": [(m, order_flow.ACTION_LABELS[m]) for m in moves_for(user=request.user, part=part)]})


class CountyMerchantProductListView(CountyStaffMixin, View):
    """Admins read the goods of the merchants serving their region (read-only: merchants keep them)."""

    def get(self, request):
        query = request.GET.get("q", "").strip()[:100]
        merchant_id = request.GET.get("merchant", "")
        merchant_id = int(merchant_id) if merchant_id.isdigit() else None
        rows = catalogue.county_stock_list(user=request.user, query=query, merchant_id=merchant_id)
        return render(request, "shop/county_merchant_products.html", {
            "rows": rows[:PAGE_SIZE], "total": rows.count(), "query": query, "merchant_id": merchant_id,
            "merchants": merchant_list(user=request.user)})


class CountyMerchantOrderListView(CountyStaffMixin, View):
    """Admins follow the order parts of their region's stations, by status."""

    def get(self, request):
        status = request.GET.get("status", "")
        parts = orders.county_part_list(user=request.user, status=status)
        return render(request, "shop/county_merchant_orders.html", {
            "parts": parts[:PAGE_SIZE], "total": parts.count(), "status": status,
            "statuses": OrderPart.Status.choices})
