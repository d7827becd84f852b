"""Oscar's dashboard home: staff's. A merchant who opens it (an old bookmark) is sent on to their own
workspace (/merchant/); every other dashboard page is staff's only (shop/dashboard/permissions.py)."""

from django.shortcuts import redirect
from oscar.apps.dashboard import views as oscar_views
from oscar.apps.dashboard.views import *  # noqa: F403  Oscar's forked module keeps every name


class IndexView(oscar_views.IndexView):
    def get(self, request, *args, **kwargs):
        if not request.user.is_staff:
            return redirect("shop:merchant-home")
        return super().get(request, *args, **kwargs)
