from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from portal.models.base import CachedPageMixin, zh_page_search_fields
from portal.zh_search import ZhSearchField


class HomePage(CachedPageMixin, Page):
    """The portal's front page: search, the most-used services, life events, latest news, find a station."""

    intro = models.CharField(_("introduction"), max_length=250, blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = zh_page_search_fields(ZhSearchField("intro"), ZhSearchField("body"))
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    cache_tags = ("guides", "regions")  # the most used guides, the township picker

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from portal import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(
            popular_guides=selectors.popular_guides(limit=8),
            life_events=selectors.life_event_list(),
            latest_news=selectors.latest_news(limit=5),
            townships=selectors.township_choices(),
            links=selectors.portal_links(),
            search_hints=selectors.SEARCH_HINTS,
        )
        return context
