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

    def select_stockrecord(self, product):
        for stockrecord in product.stockrecords.all():
            if stockrecord.partner_id not in self.suspended_partner_ids:
                return stockrecord
        return None

    def availability_policy(self, product, stockrecord):
        if stockrecord is not None and stockrecord.partner_id in self.suspended_partner_ids:
            return Unavailable()
        return super().availability_policy(product, stockrecord)
