"""The storefront's product lists, read from the database.

Oscar's catalogue pages ask haystack, whose SimpleEngine ignores every filter (category,
public, …) and loads the whole table; these lists filter in SQL and leave out the goods of
suspended merchants.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from oscar.core.loading import get_model

from shop.models import Merchant

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def product_browse_list(*, category=None, query: str = "") -> QuerySet:
    # A subquery, not a list read first: one query fewer per page (no NULLs: NOT IN would drop every row).
    suspended = Merchant.objects.filter(status=Merchant.Status.SUSPENDED, partner__isnull=False).values("partner_id")
    sellable = StockRecord.objects.exclude(partner_id__in=suspended)
    products = Product.objects.browsable().filter(
        Exists(sellable.filter(product=OuterRef("pk"))) | Exists(sellable.filter(product__parent=OuterRef("pk"))))
    if category is not None:
        products = products.filter(categories__in=category.get_descendants_and_self()).distinct()
    for term in query.split()[:5]:
        products = products.filter(Q(title__icontains=term) | Q(description__icontains=term)
                                   | Q(upc__iexact=term))
    return products.base_queryset().order_by("-date_created", "-pk")
