from urllib.parse import unquote

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from oscar.apps.search.views.catalogue import *  # noqa: F403  Oscar's forked module keeps every name
from oscar.core.loading import get_model

from shop.search.views.base import BaseSearchView

Category = get_model("catalogue", "Category")


class CatalogueView(BaseSearchView):
    template_name = "oscar/catalogue/browse.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(summary=_("All products"), **kwargs)


class ProductCategoryView(BaseSearchView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404
        if unquote(request.path) != unquote(self.category.get_absolute_url()):
            return HttpResponsePermanentRedirect(self.category.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, summary=self.category.name, **kwargs)
