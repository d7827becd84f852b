"""Oscar's dashboard home. A merchant gets their own home (index_nonstaff.html): their parts to act
on and their catalogue tools, and none of Oscar's revenue figures, which count whole orders."""

from oscar.apps.dashboard import views as oscar_views
from oscar.apps.dashboard.views import *  # noqa: F403  Oscar's forked module keeps every name


class IndexView(oscar_views.IndexView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not self.request.user.is_staff:
            from shop.selectors.merchants import merchant_for_user
            from shop.selectors.orders import merchant_open_parts

            ctx["merchant"] = merchant_for_user(user=self.request.user)
            ctx["open_parts"] = merchant_open_parts(user=self.request.user)[:50]
        return ctx
