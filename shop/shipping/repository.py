"""Shipping methods come from the fulfilment the resident chose in the checkout's first step."""

from oscar.apps.shipping import repository

from shop.checkout.fulfilment import fulfilment_from_request
from shop.shipping.methods import StationPickup, TownshipDelivery


class Repository(repository.Repository):
    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        data = fulfilment_from_request(kwargs.get("request"))
        if data and data["method"] == "delivery":
            merchants = {line.stockrecord.partner_id for line in basket.all_lines() if line.stockrecord_id}
            return [TownshipDelivery(fee_fen=data["fee_fen"], merchants=len(merchants))]
        return [StationPickup()]
