"""Oscar's customer account views, forked where the store answers differently."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from oscar.apps.customer import views as oscar_views
from oscar.core.loading import get_model

Line = get_model("order", "Line")


class OrderLineView(oscar_views.OrderLineView):
    """"Re-order" for one line of one's own order: the button on each line of the order page posts here.
    Oscar gives a line no page of its own (it ships no template for a GET, which failed with a 500), so
    this URL takes POST only. Another's line answers 404, like a missing one (Oscar: 500)."""

    http_method_names = ["post"]

    def get_object(self, queryset=None):
        return get_object_or_404(Line, order__user=self.request.user, order__number=self.kwargs["order_number"],
                                 pk=self.kwargs["line_id"])

    def post(self, request, *args, **kwargs):
        line = self.get_object()
        if request.POST.get("action") != "reorder":  # Oscar would render the missing page
            messages.error(request, _("Invalid form submission"))
            return redirect("customer:order", order_number=line.order.number)
        self.do_reorder(line)
        return self.response


class OrderHistoryView(oscar_views.OrderHistoryView):
    """My orders: each order with its parts, fulfilment and payments read in a fixed number of queries."""

    def get_queryset(self):
        from shop.selectors.resident_orders import resident_order_prefetch

        return resident_order_prefetch(super().get_queryset())
