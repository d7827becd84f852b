"""Service guides (办事指南): one page per catalogue item, grouped by department and by life event.

A guide holds only what editors write — what the service is for, who may apply, the steps, FAQs,
contacts and the words residents search with. What the catalogue already knows (materials, time
limit, fee, accepting levels, online or not, the department and its phone) is read from the linked
gov_services.ServiceItem when the page is shown, so it is never typed twice and never disagrees.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import PROSE_FEATURES, ContactBlock, FAQBlock, StepBlock
from portal.models.base import CachedPageMixin, SectionPageMixin, zh_page_search_fields
from portal.zh_search import ZhSearchField


class LifeEvent(index.Indexed, models.Model):
    """A moment in life that needs several services (having a baby, building a house …): the home
    page's entries and the second way guides are grouped."""

    name = models.CharField(_("name"), max_length=30)
    slug = models.SlugField(_("slug"), max_length=40, unique=True,
                            help_text=_("Latin letters for the address, e.g. baby, house, business"))
    icon = models.CharField(_("icon character"), max_length=2, blank=True,
                            help_text=_("One Chinese character shown in the tile, e.g. 婴"))
    intro = models.CharField(_("introduction"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("icon"), FieldPanel("intro"),
              FieldPanel("sort_order")]
    search_fields = [ZhSearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class GuideIndexPage(SectionPageMixin, CachedPageMixin, RoutablePageMixin, Page):
    """/guides/: every guide by department and by life event; /guides/life/<slug>/ for one event."""

    intro = models.CharField(_("introduction"), max_length=250, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = zh_page_search_fields(ZhSearchField("intro"))
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.ServiceGuidePage"]
    section = "guides"
    template = "portal/guide_index_page.html"
    cache_tags = ("guides",)

    class Meta:
        verbose_name = _("guide index")

    @path("")
    def by_department(self, request):
        from portal.selectors import guide_groups_by_department, life_event_list

        return self.render(request, context_overrides={
            "groups": guide_groups_by_department(index_page=self), "life_events": life_event_list()})

    @path("life/<slug:slug>/")
    def by_life_event(self, request, slug):
        from django.http import Http404

        from portal.selectors import guides_for_life_event, life_event_list

        events = life_event_list()
        event = next((e for e in events if e.slug == slug), None)
        if event is None:
            raise Http404(_("There is no such life event."))
        return self.render(request, template="portal/guide_life_event.html", context_overrides={
            "event": event, "guides": guides_for_life_event(index_page=self, event=event),
            "life_events": events})


class ServiceGuidePage(CachedPageMixin, RoutablePageMixin, Page):
    """One service guide, linked to its catalogue item; /print/ is the print-friendly version."""

    service_item = models.ForeignKey(
        "gov_services.ServiceItem", on_delete=models.PROTECT, null=True, blank=False, related_name="+",
        verbose_name=_("catalogue item"),
        help_text=_("Materials, time limit, fee and where to apply are shown from this item."))
    summary = models.CharField(_("in one sentence"), max_length=200, blank=True,
                               help_text=_("Shown in lists and search results."))
    purpose = RichTextField(_("what it is for"), features=PROSE_FEATURES, blank=True)
    eligibility = RichTextField(_("who may apply"), features=PROSE_FEATURES, blank=True)
    steps = StreamField([("step", StepBlock())], blank=True, verbose_name=_("steps"))
    faqs = StreamField([("faq", FAQBlock())], blank=True, verbose_name=_("questions and answers"))
    contacts = StreamField([("contact", ContactBlock())], blank=True, verbose_name=_("contacts"))
    search_keywords = models.CharField(
        _("search keywords"), max_length=250, blank=True,
        help_text=_("The words residents use for this service, separated by spaces, e.g. 低保 救济 困难补助. "
                    "They rank like the title in search."))
    life_events = ParentalManyToManyField(LifeEvent, blank=True, related_name="guides",
                                          verbose_name=_("life events"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("service_item"),
        FieldPanel("summary"),
        FieldPanel("purpose"),
        FieldPanel("eligibility"),
        FieldPanel("steps"),
        FieldPanel("faqs"),
        FieldPanel("contacts"),
    ]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel([FieldPanel("search_keywords"), FieldPanel("life_events")], heading=_("Finding this guide")),
    ]
    search_fields = zh_page_search_fields(
        ZhSearchField("summary"), ZhSearchField("purpose"), ZhSearchField("eligibility"),
        ZhSearchField("steps_text"), ZhSearchField("faqs_text"), ZhSearchField("catalogue_text"),
        index.FilterField("service_item"),
        title_also=("search_keywords", "service_item_name"),
    )
    parent_page_types = ["portal.GuideIndexPage"]
    subpage_types: list[str] = []
    template = "portal/service_guide_page.html"

    def page_cache_tags(self) -> tuple[str, ...]:
        return (f"item:{self.service_item_id}",) if self.service_item_id else ()

    class Meta:
        verbose_name = _("service guide")
        verbose_name_plural = _("service guides")

    def clean(self):
        super().clean()
        if self.service_item_id and ServiceGuidePage.objects.filter(service_item_id=self.service_item_id) \
                .exclude(pk=self.pk).exists():
            raise ValidationError({"service_item": _("Another guide already describes this catalogue item.")})

    # --- text for the search index (portal/zh_search.py segments it) -------------------------

    def steps_text(self) -> str:
        return " ".join(f"{b.value['title']} {b.value['detail'].source if b.value['detail'] else ''}"
                        for b in self.steps)

    def faqs_text(self) -> str:
        return " ".join(f"{b.value['question']} {b.value['answer'].source}" for b in self.faqs)

    def service_item_name(self) -> str:
        return self.service_item.name if self.service_item_id else ""

    def catalogue_text(self) -> str:
        item = self.service_item
        return f"{item.department.name} {item.description}" if item else ""

    # --- pages --------------------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        from portal.selectors import guide_facts

        context = super().get_context(request, *args, **kwargs)
        context["facts"] = guide_facts(item_id=self.service_item_id) if self.service_item_id else None
        context["print_url"] = self.get_url(request) + self.reverse_subpage("printable")
        return context

    @path("")
    def guide(self, request):
        return self.render(request)

    @path("print/")
    def printable(self, request):
        return self.render(request, template="portal/service_guide_print.html")
