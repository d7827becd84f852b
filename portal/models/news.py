"""News (政策 · 工作动态): an index page and one page per article."""

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import ArticleBodyBlock
from portal.models.base import CachedPageMixin, SectionPageMixin, zh_page_search_fields
from portal.zh_search import ZhSearchField


class NewsIndexPage(SectionPageMixin, CachedPageMixin, Page):
    """/news/: articles newest first, ten a page, optionally one category (?category=policy)."""

    intro = models.CharField(_("introduction"), max_length=250, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = zh_page_search_fields(ZhSearchField("intro"))
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.NewsPage"]
    section = "news"
    per_page = 10

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        from portal.selectors import news_list

        context = super().get_context(request, *args, **kwargs)
        category = request.GET.get("category", "")
        if category not in NewsPage.Category.values:
            category = ""
        page = Paginator(news_list(index_page=self, category=category), self.per_page).get_page(
            request.GET.get("page"))
        context.update(page_obj=page, articles=page.object_list, category=category,
                       categories=NewsPage.Category.choices)
        return context


class NewsPage(CachedPageMixin, Page):
    class Category(models.TextChoices):
        POLICY = "policy", _("Policy")
        WORK = "work", _("Work update")
        NOTICE = "notice", _("Notice")

    date = models.DateField(_("date"), default=timezone.localdate)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, default=Category.WORK)
    summary = models.CharField(_("summary"), max_length=250, blank=True,
                               help_text=_("Shown in lists and as the page description."))
    body = StreamField(ArticleBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("category"), FieldPanel("summary"),
                      FieldPanel("body")]
    search_fields = zh_page_search_fields(ZhSearchField("summary"), ZhSearchField("body_text"),
                                          index.FilterField("date"))
    parent_page_types = ["portal.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    def body_text(self) -> str:
        parts = []
        for block in self.body:
            value = block.value
            parts.append(getattr(value, "source", None) or str(value))
        return " ".join(parts)
