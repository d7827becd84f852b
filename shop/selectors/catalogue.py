"""The storefront's product lists, read from the database.

Oscar's catalogue pages ask haystack, whose SimpleEngine ignores every filter (category,
public, …) and loads the whole table; these lists filter in SQL and leave out the goods of
suspended merchants.
"""

from functools import reduce
from operator import add, or_

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from oscar.core.loading import get_model

from shop.models import Merchant
from shop.search_words import search_groups

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
    products = products.base_queryset().prefetch_related("stockrecords__partner")
    if query.strip():
        return _matching(products, query.strip())
    return products.order_by("-date_created", "-pk")


def _matching(products: QuerySet, query: str) -> QuerySet:
    """Products for a resident's words (shop/search_words.py): a product shows when its title or
    description holds at least one word (or a word's synonym), or its UPC is the query; those matching
    more words come first, a word in the title counting twice one in the description."""
    groups = search_groups(query)
    if not groups:
        return products.filter(upc__iexact=query).order_by("-date_created", "-pk")

    def any_of(field: str, group: list[str]) -> Q:
        return reduce(or_, (Q(**{f"{field}__icontains": term}) for term in group))

    score = reduce(add, (Case(When(any_of("title", g), then=Value(2)), When(any_of("description", g), then=Value(1)),
                              default=Value(0), output_field=IntegerField()) for g in groups))
    found = reduce(or_, (any_of("title", g) | any_of("description", g) for g in groups)) | Q(upc__iexact=query)
    return products.filter(found).annotate(search_score=score).order_by("-search_score", "-date_created", "-pk")
