from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def merchant_posts(user_id: int) -> list:
    """The user's merchant posts for stations.scope: the partner accounts they sell through (one query)."""
    from oscar.core.loading import get_model

    from stations.scope import MerchantPost

    partner = get_model("partner", "Partner")
    rows = partner.objects.filter(users=user_id).order_by("pk").values_list("pk", "merchant__pk")
    return [MerchantPost(partner_id, merchant_id) for partner_id, merchant_id in rows]


class ShopConfig(AppConfig):
    """Our side of the store. Oscar itself is customised only through forks under shop/."""

    name = "shop"
    verbose_name = _("Member-merchant store")

    def ready(self):
        from shop import notifications  # noqa: F401  declares the store's SMS purposes
        from shop.attention import SOURCES
        from stations.attention import register_attention
        from stations.scope import register_posts

        register_posts("merchants", merchant_posts)
        from agency.services.till_wallets import sale_recorder_register
        from shop.services.counter_wallet import RECORDER, counter_sale_wallet_record

        sale_recorder_register(RECORDER, counter_sale_wallet_record)  # a counter sale paid by WeChat Pay / Alipay
        for source in SOURCES:
            register_attention(source)
        from shop import cache_signals

        cache_signals.connect()
        self._no_write_on_product_views()

    @staticmethod
    def _no_write_on_product_views():
        """Oscar's analytics count every product view with an UPDATE (and, for a signed-in visitor, an
        INSERT of the view and an UPDATE of their record) inside the page's request: on SQLite concurrent
        views fail with "database is locked", on PostgreSQL every view of a product queues on its one
        counter row, and a page served from the store cache (shop/page_cache.py) never runs the view, so
        the count was wrong anyway. Nothing here reads the view counts, so the receiver is disconnected
        (not buffered); basket additions, searches and purchases, written when the visitor writes
        anyway, are still counted."""
        from oscar.apps.analytics import receivers
        from oscar.apps.catalogue.signals import product_viewed

        product_viewed.disconnect(receivers.receive_product_view)
