"""The store's records are kept through its own screens, never through the Django admin.

Orders, payments, stock, offers and the catalogue change through Oscar's dashboard, the merchants' and the
county's pages and shop's services, which check the transition tables and leave the order and audit history.
An edit in the Django admin would do neither, so Oscar's admin registrations are taken back once every app's
admin module is loaded (config/admin.py). Delivery fees too are the county's screen's
(/county/shop/delivery-fees/), so DeliveryFee has never been registered.
"""

from django.contrib.admin import AdminSite

# Oscar's apps (config/settings/store.py) by label, forked or not: none keeps a page in the Django admin.
STORE_APP_LABELS = frozenset({
    "address", "analytics", "basket", "catalogue", "communication", "customer", "offer", "order", "partner",
    "payment", "reviews", "shipping", "voucher", "wishlists",
})


def store_admin_withdraw(site: AdminSite) -> None:
    """Unregister every model of the store's apps from `site`."""
    for model in [model for model in site._registry if model._meta.app_label in STORE_APP_LABELS]:
        site.unregister(model)
