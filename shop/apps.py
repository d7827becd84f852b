from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the cached store pages show (shop/page_cache.py): a change to any of these empties them.
STORE_PAGE_MODELS = (
    ("catalogue", "Product"), ("catalogue", "ProductImage"), ("catalogue", "Category"),
    ("catalogue", "ProductCategory"), ("catalogue", "ProductAttributeValue"), ("catalogue", "ProductClass"),
    ("catalogue", "ProductRecommendation"), ("partner", "StockRecord"), ("partner", "Partner"),
    ("reviews", "ProductReview"), ("shop", "Merchant"),
)


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
        from django.apps import apps

        from shop.attention import SOURCES
        from stations.attention import register_attention
        from stations.scope import register_posts

        register_posts("merchants", merchant_posts)
        for source in SOURCES:
            register_attention(source)
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from shop.page_cache import store_pages_changed

        for app_label, model_name in STORE_PAGE_MODELS:
            model = apps.get_model(app_label, model_name)
            post_save.connect(store_pages_changed, sender=model, dispatch_uid=f"shop-pages-{model_name}-save")
            post_delete.connect(store_pages_changed, sender=model, dispatch_uid=f"shop-pages-{model_name}-delete")
        product = apps.get_model("catalogue", "Product")
        m2m_changed.connect(store_pages_changed, sender=product.categories.through, dispatch_uid="shop-pages-m2m")
