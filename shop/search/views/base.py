"""The storefront's listing pages on our product selector instead of haystack (see
shop/selectors/catalogue.py), rendering Oscar's own templates with the context they expect."""

from django.conf import settings
from django.views.generic import ListView
from oscar.apps.search.views.base import *  # noqa: F403  Oscar's forked module keeps every name

from shop.page_cache import add_tags
from shop.selectors.catalogue import product_browse_list


class Hit:
    """Oscar's templates render `result.object`, as haystack results have it."""

    __slots__ = ("object",)

    def __init__(self, product):
        self.object = product


class BaseSearchView(ListView):
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE
    context_object_name = "products"
    category = None

    def get_query(self) -> str:
        return self.request.GET.get("q", "").strip()[:100]

    def get_queryset(self):
        return product_browse_list(category=self.category, query=self.get_query())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["page_obj"].object_list = [Hit(p) for p in ctx["page_obj"].object_list]
        ctx[self.context_object_name] = ctx["page_obj"].object_list
        ctx.update(page=ctx["page_obj"], query=self.get_query(), has_facets=False, selected_facets=[], form=None)
        # Which products are on this page is forgotten with "list" (any category: "cat:<id>"; by text: "search").
        add_tags(self.request, "list", *([f"cat:{self.category.pk}"] if self.category else []),
                 *(["search"] if self.get_query() else []))
        return ctx
