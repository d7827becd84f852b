"""The baseline's account app: Oscar's full set of account addresses (wish lists, alerts, the address book…),
which its stock templates link to from every product and account page. The store itself serves only the
orders (shop/customer/apps.py)."""

from oscar.apps.customer.apps import CustomerConfig as OscarCustomerConfig

from shop.customer.apps import CustomerConfig


class StockCustomerConfig(CustomerConfig):
    def get_urls(self):
        return OscarCustomerConfig.get_urls(self)
