"""A merchant's own catalogue, and the county's scoped view of every merchant's goods.

Scoped through stations/scope: a merchant's users see the stock records of their own partner; a
county or township admin sees the goods of the merchants serving their region (shop/selectors/merchants.py);
one out of scope is a 404, as a missing one.
"""

from django.db.models import Prefetch, Q, QuerySet
from oscar.core.loading import get_model

from shop.selectors.merchants import merchant_list
from stations.scope import get_in_scope, scope_for

Category = get_model("catalogue", "Category")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")

LOW_STOCK = 5  # at or below this many the list marks the row


def _stock_rows(queryset: QuerySet, query: str = "") -> QuerySet:
    for term in query.split()[:5]:
        queryset = queryset.filter(Q(product__title__icontains=term) | Q(partner_sku__iexact=term))
    return queryset.select_related("product", "partner").prefetch_related(
        "product__categories",
        Prefetch("product__images", queryset=ProductImage.objects.order_by("display_order", "pk")),
    ).order_by("product__title", "pk")


def merchant_stock_list(*, user, query: str = "") -> QuerySet:
    """The merchant's products as their stock records (price, stock, code), by title."""
    rows = scope_for(user).filter(StockRecord.objects.all(), partner="partner_id")
    return _stock_rows(rows, query)


def access_merchant_stock_by_product_id(*, user, product_id: int):
    """The merchant's stock record of one product (404 for another merchant's or a missing one)."""
    return get_in_scope(merchant_stock_list(user=user), product_id=product_id)


def county_stock_list(*, user, query: str = "", merchant_id: int | None = None) -> QuerySet:
    """Admins: the goods of the merchants in their region (merchant_list's scope)."""
    merchants = merchant_list(user=user)
    if merchant_id:
        merchants = merchants.filter(pk=merchant_id)
    rows = StockRecord.objects.filter(partner__merchant__in=merchants.values("pk"))
    return _stock_rows(rows, query).select_related("partner__merchant")


def category_choices() -> list[tuple[int, str]]:
    """Every category as "A > B", for the product form's select (one query)."""
    names: dict[str, str] = {}
    choices = []
    for category in Category.objects.order_by("path").only("pk", "path", "name"):
        parent = category.path[: -Category.steplen]
        full = f"{names[parent]} > {category.name}" if parent in names else category.name
        names[category.path] = full
        choices.append((category.pk, full))
    return choices
