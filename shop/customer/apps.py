import oscar.apps.customer.apps as apps
from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

NOTIFICATIONS_ROUTE = "notifications/"


class CustomerConfig(apps.CustomerConfig):
    name = 'shop.customer'

    def get_urls(self):
        """Oscar's patterns, but "notifications/" sends to the inbox by name, for signed-in people only:
        Oscar redirects everyone to a fixed /accounts/notifications/inbox/, which misses our /shop/ prefix."""
        inbox = path(NOTIFICATIONS_ROUTE,
                     login_required(RedirectView.as_view(pattern_name="customer:notifications-inbox")))
        return [inbox if str(pattern.pattern) == NOTIFICATIONS_ROUTE else pattern for pattern in super().get_urls()]
