import oscar.apps.dashboard.apps as apps


class DashboardConfig(apps.DashboardConfig):
    """Forked so that Oscar loads our dashboard sub-app modules (shop/dashboard/orders/…):
    get_class resolves "dashboard.orders.views" through the parent dashboard app's name."""

    name = "shop.dashboard"
