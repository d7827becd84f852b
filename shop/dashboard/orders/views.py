"""Oscar's order dashboard, narrowed for member merchants.

Stock Oscar lets a partner user open any order that has at least one of their lines, and then
shows every line, the order's totals, its payments and notes. A merchant here sees only their
own lines and the total of those, cannot take Oscar's order-wide or line actions (their part
moves through shop/order_flow.py instead), and cannot open another merchant's line or the
shipping address form. Staff keep Oscar's full view.
"""

from decimal import Decimal as D

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _
from oscar.apps.dashboard.orders import views as oscar_views
from oscar.apps.dashboard.orders.views import *  # noqa: F403  Oscar's forked module keeps every name
from oscar.core.loading import get_model

from stations.scope import scope_for

Line = get_model("order", "Line")
Transaction = get_model("payment", "Transaction")


def _is_merchant_view(user) -> bool:
    return not user.is_staff


def merchant_lines_q(user, prefix: str = "") -> Q:
    """The lines the merchant sells (stations/scope.py's merchant posts)."""
    return scope_for(user).q(partner=f"{prefix}partner_id")


def queryset_orders_for_user(user):
    """Oscar's queryset; for a merchant also each order's total and item count of *their* lines."""
    queryset = oscar_views.queryset_orders_for_user(user)
    if not _is_merchant_view(user):
        return queryset
    mine = merchant_lines_q(user, "lines__")
    return queryset.annotate(
        merchant_total=Coalesce(Sum("lines__line_price_incl_tax", filter=mine), Value(D("0.00")),
                                output_field=DecimalField(max_digits=12, decimal_places=2)),
        merchant_items=Coalesce(Sum("lines__quantity", filter=mine), Value(0)),
    )


def get_order_for_user_or_404(user, number):
    order = queryset_orders_for_user(user).filter(number=number).first()
    if order is None:
        raise Http404()
    return order


class OrderListView(oscar_views.OrderListView):
    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if not _is_merchant_view(user):
            return queryset
        from shop.models import OrderPart

        part_status = OrderPart.objects.filter(merchant_lines_q(user), order=OuterRef("pk")).values("status")[:1]
        return (queryset_orders_for_user(user).filter(pk__in=queryset.values("pk"))
                .annotate(merchant_part_status=Subquery(part_status)).order_by("-date_placed"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["merchant_view"] = _is_merchant_view(self.request.user)
        if ctx["merchant_view"]:
            from shop.models import OrderPart

            ctx["order_statuses"] = []  # Oscar's order-wide status belongs to the county, not to one merchant
            for order in ctx["orders"]:
                status = order.merchant_part_status
                order.merchant_part_label = OrderPart.Status(status).label if status else ""
        return ctx

    def get_row_values(self, order):
        row = super().get_row_values(order)
        if _is_merchant_view(self.request.user):
            row["value"] = D(order.merchant_total).quantize(D("0.01"))
            row["num_items"] = order.merchant_items
        return row

    def change_order_statuses(self, request, orders):
        if _is_merchant_view(request.user):
            raise PermissionDenied
        return super().change_order_statuses(request, orders)


class OrderDetailView(oscar_views.OrderDetailView):
    def get_object(self, queryset=None):
        return get_order_for_user_or_404(self.request.user, self.kwargs["number"])

    def get_order_lines(self):
        lines = super().get_order_lines()
        if _is_merchant_view(self.request.user):
            lines = lines.filter(merchant_lines_q(self.request.user))
        return lines

    def post(self, request, *args, **kwargs):
        """Order-wide and line actions and notes are the staff's: a merchant's part moves by its own form."""
        if _is_merchant_view(request.user):
            raise PermissionDenied(_("A merchant moves their part of the order; the order itself is the store's."))
        return super().post(request, *args, **kwargs)

    def get_payment_transactions(self):
        if _is_merchant_view(self.request.user):
            return Transaction.objects.none()
        return super().get_payment_transactions()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["merchant_view"] = _is_merchant_view(user)
        if ctx["merchant_view"]:
            from shop.selectors.orders import merchant_part_panel

            ctx.update(merchant_part_panel(user=user, order=self.object))
        return ctx


class LineDetailView(oscar_views.LineDetailView):
    def get_object(self, queryset=None):
        line = super().get_object(queryset)
        if _is_merchant_view(self.request.user) and not line.partner.users.filter(pk=self.request.user.pk).exists():
            raise Http404()
        return line


class ShippingAddressUpdateView(oscar_views.ShippingAddressUpdateView):
    """The address belongs to the whole order: only staff change it."""

    def get_object(self, queryset=None):
        if _is_merchant_view(self.request.user):
            raise PermissionDenied
        return super().get_object(queryset)


class OrderStatsView(oscar_views.OrderStatsView):
    def get_stats(self, filters):
        user = self.request.user
        if not _is_merchant_view(user):
            return super().get_stats(filters)
        orders = oscar_views.queryset_orders_for_user(user).filter(**filters)
        lines = Line.objects.filter(merchant_lines_q(user), order__in=orders)
        return {
            "total_orders": orders.count(),
            "total_lines": lines.count(),
            "total_revenue": lines.aggregate(total=Sum("line_price_incl_tax"))["total"] or D("0.00"),
            "order_status_breakdown": orders.order_by("status").values("status").annotate(freq=Count("id")),
        }
