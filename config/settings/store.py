"""The store (django-oscar): its apps, Oscar's defaults with ours over them, search, and the mail it
sends. Imported by config/settings/base.py, whose every importer sees these names.
"""

from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403  Oscar's documented way to get its defaults

from config.env import env, read

OSCAR_APPS = [
    "shop.oscar_shop.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "shop.shipping.apps.ShippingConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "shop.customer.apps.CustomerConfig",
    "shop.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "shop.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "shop.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    "sorl.thumbnail",
]

# Email: Oscar sends order mail synchronously; the demo must not need an SMTP server.
EMAIL_BACKEND = read("EMAIL_BACKEND", env.str, "django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = read("DEFAULT_FROM_EMAIL", env.str, "noreply@cunzhan.local", "noreply@county.gov.cn")

# Oscar
OSCAR_SHOP_NAME = _("Village station store")
OSCAR_SLUG_ALLOW_UNICODE = True
OSCAR_DEFAULT_CURRENCY = "CNY"
OSCAR_CURRENCY_FORMAT = {"CNY": {"format": "¥#,##0.00"}}
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
