"""Forget the cached store pages that show what changed, and only those (shop/page_cache.py).

| change                                               | tags invalidated                                 |
| ---------------------------------------------------- | ------------------------------------------------ |
| a stock record saved (price, stock: every order)     | "p:<product>" (and its parent): the product's page and the list pages that show it |
| a stock record created or deleted                    | the same, and "list" (whether the product is listed at all) |
| a product saved                                      | "p:<id>" (and parent), "search"; "list" when new or when its listing changes (public, parent, structure) |
| a product's picture, attribute, recommendation, review | "p:<product>"                                  |
| a product put in or taken out of a category          | "p:<product>", "cat:<id>" of the category and its ancestors |
| a merchant or its partner account (suspension …)     | "list" and "p:<id>" of each of its products      |
| a category or product class                          | everything (the category menu is on every page)  |
| a basket, its lines, its vouchers                    | "basket:b<id>", "basket:u<owner>" (the visitor's mini-basket, shop/regions.py) |
| an offer, a voucher, a range                         | "offers" (every mini-basket: totals after discounts) |
| a wish list, a stock alert, a review, the saved station, the user | "user:<id>" (the visitor's own regions) |
| a station or its services                            | "station:<id>" (the "your station" line)         |

So an order, whose allocations save its products' stock records, forgets those products' pages and the
list pages that show them; the rest of the store stays cached. No domain logic here: these receivers only
forget cached HTML.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from shop.page_cache import STORE_PAGES

UID = "shop.page_cache"
LISTING_FIELDS = ("is_public", "parent_id", "structure")


def product_tags(product_id, parent_id=None) -> list[str]:
    return [f"p:{product_id}", *([f"p:{parent_id}"] if parent_id else [])]


def _product_parent(product_id):
    Product = apps.get_model("catalogue", "Product")
    return Product.objects.filter(pk=product_id).values_list("parent_id", flat=True).first()


def product_before_save(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        Product = apps.get_model("catalogue", "Product")
        instance._store_listing = Product.objects.filter(pk=instance.pk).values_list(*LISTING_FIELDS).first()


def product_saved(sender, instance, created=False, **kwargs):
    listing = tuple(getattr(instance, field) for field in LISTING_FIELDS)
    listed = created or getattr(instance, "_store_listing", None) != listing
    STORE_PAGES.invalidate(
        *product_tags(instance.pk, instance.parent_id), "search", *(["list"] if listed else [])
    )


def product_deleted(sender, instance, **kwargs):
    STORE_PAGES.invalidate(*product_tags(instance.pk, instance.parent_id), "search", "list")


def stockrecord_changed(sender, instance, created=False, **kwargs):
    listed = created or kwargs.get("signal") is post_delete
    known = type(instance).product.is_cached(instance)
    parent_id = instance.product.parent_id if known else _product_parent(instance.product_id)
    STORE_PAGES.invalidate(*product_tags(instance.product_id, parent_id), *(["list"] if listed else []))


def product_part_changed(sender, instance, **kwargs):
    """A picture, attribute value, review or recommendation: shown on the product's page and pod (and a
    review in its author's invitation to review)."""
    user_part_changed(sender, instance)
    product_id = getattr(instance, "product_id", None) or getattr(instance, "primary_id", None)
    if product_id:
        STORE_PAGES.invalidate(*product_tags(product_id, _product_parent(product_id)))


def _category_tags(category_ids) -> list[str]:
    Category = apps.get_model("catalogue", "Category")
    tags = set()
    for category in Category.objects.filter(pk__in=category_ids):
        tags.update(f"cat:{c.pk}" for c in category.get_ancestors_and_self())  # a list in Oscar
    return sorted(tags)


def product_category_changed(sender, instance, **kwargs):
    STORE_PAGES.invalidate(*product_tags(instance.product_id), *_category_tags([instance.category_id]))


def product_categories_changed(sender, instance, action, pk_set=None, reverse=False, model=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    Product = apps.get_model("catalogue", "Product")
    if reverse:  # category.product_set changed: instance is the category
        products, categories = list(pk_set or ()), [instance.pk]
    elif isinstance(instance, Product):
        products = [instance.pk]
        categories = list(pk_set or ()) or list(instance.categories.values_list("pk", flat=True))
    else:
        return
    STORE_PAGES.invalidate(*(f"p:{pk}" for pk in products), *_category_tags(categories))


def merchant_changed(sender, instance, **kwargs):
    partner_id = instance.partner_id if hasattr(instance, "partner_id") else instance.pk
    if partner_id is None:
        return
    StockRecord = apps.get_model("partner", "StockRecord")
    products = (
        StockRecord.objects.filter(partner_id=partner_id).values_list("product_id", flat=True).distinct()
    )
    STORE_PAGES.invalidate("list", *(f"p:{pk}" for pk in products))


def _basket_tags(basket_id, owner_id=None) -> list[str]:
    return [f"basket:b{basket_id}", *([f"basket:u{owner_id}"] if owner_id else [])]


def basket_changed(sender, instance, **kwargs):
    STORE_PAGES.invalidate(*_basket_tags(instance.pk, instance.owner_id))


def basket_line_changed(sender, instance, **kwargs):
    Basket = apps.get_model("basket", "Basket")
    basket_id = getattr(instance, "basket_id", None)
    if basket_id is None:  # a line attribute
        Line = apps.get_model("basket", "Line")
        basket_id = Line.objects.filter(pk=instance.line_id).values_list("basket_id", flat=True).first()
    owner_id = Basket.objects.filter(pk=basket_id).values_list("owner_id", flat=True).first()
    STORE_PAGES.invalidate(*_basket_tags(basket_id, owner_id))


def basket_vouchers_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and hasattr(instance, "owner_id"):
        STORE_PAGES.invalidate(*_basket_tags(instance.pk, instance.owner_id))


def offers_changed(sender, **kwargs):
    STORE_PAGES.invalidate("offers")


def user_part_changed(sender, instance, **kwargs):
    user_id = next(
        (getattr(instance, f, None) for f in ("user_id", "owner_id") if getattr(instance, f, None)), None
    )
    if user_id is None and sender._meta.label_lower == "wishlists.line":
        WishList = apps.get_model("wishlists", "WishList")
        user_id = WishList.objects.filter(pk=instance.wishlist_id).values_list("owner_id", flat=True).first()
    if user_id:
        STORE_PAGES.invalidate(f"user:{user_id}")


def user_changed(sender, instance, **kwargs):
    STORE_PAGES.invalidate(f"user:{instance.pk}")


def station_changed(sender, instance, **kwargs):
    STORE_PAGES.invalidate(f"station:{getattr(instance, 'station_id', None) or instance.pk}")


def connect() -> None:
    Product = apps.get_model("catalogue", "Product")
    receivers = {
        ("catalogue", "Product"): None,
        ("partner", "StockRecord"): (stockrecord_changed, stockrecord_changed),
        ("catalogue", "ProductImage"): (product_part_changed, product_part_changed),
        ("catalogue", "ProductAttributeValue"): (product_part_changed, product_part_changed),
        ("catalogue", "ProductRecommendation"): (product_part_changed, product_part_changed),
        ("catalogue", "ProductCategory"): (product_category_changed, product_category_changed),
        ("partner", "Partner"): (merchant_changed, merchant_changed),
        ("shop", "Merchant"): (merchant_changed, merchant_changed),
        ("catalogue", "Category"): (STORE_PAGES.changed, STORE_PAGES.changed),
        ("catalogue", "ProductClass"): (STORE_PAGES.changed, STORE_PAGES.changed),
        ("basket", "Basket"): (basket_changed, basket_changed),
        ("basket", "Line"): (basket_line_changed, basket_line_changed),
        ("basket", "LineAttribute"): (basket_line_changed, basket_line_changed),
        ("offer", "ConditionalOffer"): (offers_changed, offers_changed),
        ("offer", "Benefit"): (offers_changed, offers_changed),
        ("offer", "Condition"): (offers_changed, offers_changed),
        ("offer", "Range"): (offers_changed, offers_changed),
        ("offer", "RangeProduct"): (offers_changed, offers_changed),
        ("voucher", "Voucher"): (offers_changed, offers_changed),
        ("wishlists", "WishList"): (user_part_changed, user_part_changed),
        ("wishlists", "Line"): (user_part_changed, user_part_changed),
        ("customer", "ProductAlert"): (user_part_changed, user_part_changed),
        ("reviews", "ProductReview"): (product_part_changed, product_part_changed),
        ("shop", "ShopperStation"): (user_part_changed, user_part_changed),
        ("stations", "Station"): (station_changed, station_changed),
        ("stations", "StationService"): (station_changed, station_changed),
    }
    for (app_label, model_name), pair in receivers.items():
        if pair is None:
            continue
        model = apps.get_model(app_label, model_name)
        saved, deleted = pair
        post_save.connect(saved, sender=model, dispatch_uid=f"{UID}.{model_name}.save")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"{UID}.{model_name}.delete")
    pre_save.connect(product_before_save, sender=Product, dispatch_uid=f"{UID}.Product.pre_save")
    post_save.connect(product_saved, sender=Product, dispatch_uid=f"{UID}.Product.save")
    post_delete.connect(product_deleted, sender=Product, dispatch_uid=f"{UID}.Product.delete")
    m2m_changed.connect(
        product_categories_changed, sender=Product.categories.through, dispatch_uid=f"{UID}.m2m"
    )
    Basket = apps.get_model("basket", "Basket")
    m2m_changed.connect(
        basket_vouchers_changed, sender=Basket.vouchers.through, dispatch_uid=f"{UID}.vouchers"
    )
    User = get_user_model()
    post_save.connect(user_changed, sender=User, dispatch_uid=f"{UID}.User.save")
