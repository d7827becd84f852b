from oscar.apps.search.signals import user_search
from oscar.apps.search.views.search import *  # noqa: F403  Oscar's forked module keeps every name

from shop.search.views.base import BaseSearchView


class FacetedSearchView(BaseSearchView):
    template_name = "oscar/search/results.html"

    def get(self, request, *args, **kwargs):
        user_search.send(sender=self, session=request.session, user=request.user, query=self.get_query())
        return super().get(request, *args, **kwargs)
