"""The baseline of benches/store_weight.py: Oscar's stock store-front templates (its layout with Bootstrap,
jQuery and the icon font, its catalogue, basket, checkout and account pages) in front of the same views
and data — the store as residents got it before our own templates. Our shop/… templates (the checkout's
fulfilment step) still apply where Oscar has none. Oscar's pages that the store no longer serves (reviews,
offers, wish lists, the account's other pages) are served again: its templates link to them."""

import oscar

from benches.store_front.settings import *  # noqa: F403
from benches.store_front.settings import BASE_DIR, INSTALLED_APPS, TEMPLATES

OSCAR_TEMPLATES = __import__("pathlib").Path(oscar.__file__).parent / "templates"
TEMPLATES = [{**TEMPLATES[0], "DIRS": [OSCAR_TEMPLATES, BASE_DIR / "templates"]}]
STOCK_APPS = {"shop.oscar_shop.Shop": "oscar.config.Shop",
              "shop.customer.apps.CustomerConfig": "benches.store_front.stock_apps.StockCustomerConfig"}
INSTALLED_APPS = [STOCK_APPS.get(app, app) for app in INSTALLED_APPS]
