from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    """Our side of the store. Oscar itself is customised only through forks under shop/."""

    name = "shop"
    verbose_name = _("Member-merchant store")
