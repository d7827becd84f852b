"""Prices and availability in the store: Oscar's default (first stock record, no tax, stock
required), except that a suspended member merchant's goods cannot be bought."""

from oscar.apps.partner import strategy as oscar_strategy
from oscar.apps.partner.strategy import *  # noqa: F403  Oscar's forked module keeps every name
from oscar.core.loading import get_class

Unavailable = get_class("partner.availability", "Unavailable")


class Selector(oscar_strategy.Selector):
    def strategy(self, request=None, user=None, **kwargs):
        return MerchantStanding(request)


class MerchantStanding(oscar_strategy.Default):
    """Default strategy that refuses stock records of suspended merchants.

    The suspended set is read once per strategy, that is once per request.
    """

    _suspended = None

    @property
    def suspended_partner_ids(self) -> frozenset[int]:
        if self._suspended is None:
            from shop.selectors.merchants import suspended_partner_ids

            self._suspended = suspended_partner_ids()
        return self._suspended

    def fetch_for_product(self, product, stockrecord=None):
        self._shown(product)
        return super().fetch_for_product(product, stockrecord)

    def fetch_for_parent(self, product):
        self._shown(product)
        return super().fetch_for_parent(product)

    def _shown(self, product) -> None:
        """The cached store page being rendered shows this product's price and availability: it depends on
        the product and its parent (shop/page_cache.py; a merchant's change forgets its products)."""
        if self.request is None:
            return
        from shop.page_cache import add_tags

        add_tags(self.request, f"p:{product.pk}", *([f"p:{product.parent_id}"] if product.parent_id else []))

    def select_stockrecord(self, product):
        for stockrecord in product.stockrecords.all():
            if stockrecord.partner_id not in self.suspended_partner_ids:
                return stockrecord
        return None

    def availability_policy(self, product, stockrecord):
        if stockrecord is not None and stockrecord.partner_id in self.suspended_partner_ids:
            return Unavailable()
        return super().availability_policy(product, stockrecord)
