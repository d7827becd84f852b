"""The two ways goods reach a resident, as Oscar shipping methods. Prices are Decimal yuan for Oscar."""

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping import methods as oscar_methods
from oscar.apps.shipping.methods import *  # noqa: F403  Oscar's forked module keeps every name
from oscar.core import prices

from core.money import yuan_decimal


class StationPickup(oscar_methods.Free):
    code = "station-pickup"
    name = _("Pick up at my station (free)")


class TownshipDelivery(oscar_methods.Base):
    """Home delivery: each merchant delivers their own part, so the township's fee is due once per merchant."""

    code = "township-delivery"
    name = _("Home delivery")

    def __init__(self, *, fee_fen: int, merchants: int):
        self.fee = yuan_decimal(fee_fen * max(merchants, 1))

    def calculate(self, basket):
        return prices.Price(currency=basket.currency, excl_tax=self.fee, incl_tax=self.fee)
