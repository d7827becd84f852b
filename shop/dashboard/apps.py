import oscar.apps.dashboard.apps as apps
from oscar.core.loading import get_class


class DashboardConfig(apps.DashboardConfig):
    """Forked so that Oscar loads our dashboard sub-app modules (shop/dashboard/orders/…, permissions):
    get_class resolves "dashboard.orders.views" through the parent dashboard app's name."""

    name = "shop.dashboard"

    def configure_permissions(self):
        DashboardPermission = get_class("dashboard.permissions", "DashboardPermission")
        # Staff, or a merchant whom the index sends on to their own workspace (shop/dashboard/views.py).
        self.permissions_map = {"index": (DashboardPermission.staff, DashboardPermission.merchant_sent_on)}
