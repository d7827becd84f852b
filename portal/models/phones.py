from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from portal.blocks import PhoneGroupBlock
from portal.models.base import CachedPageMixin, SectionPageMixin, zh_page_search_fields
from portal.zh_search import ZhSearchField


class PhoneDirectoryPage(SectionPageMixin, CachedPageMixin, Page):
    """/phones/: service phone numbers. Departments' numbers come from the catalogue (gov_services
    Department.phone) and stations' from the station directory; editors add the rest (hotlines)."""

    intro = models.CharField(_("introduction"), max_length=250, blank=True)
    groups = StreamField([("group", PhoneGroupBlock())], blank=True, verbose_name=_("other numbers"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("groups")]
    search_fields = zh_page_search_fields(ZhSearchField("intro"), ZhSearchField("groups_text"))
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    section = "phones"
    cache_tags = ("phones",)

    class Meta:
        verbose_name = _("service phone numbers")

    def groups_text(self) -> str:
        return " ".join(f"{g.value['heading']} " + " ".join(n["name"] for n in g.value["numbers"])
                        for g in self.groups)

    def get_context(self, request, *args, **kwargs):
        from portal.selectors import department_phone_list

        context = super().get_context(request, *args, **kwargs)
        context["departments"] = department_phone_list()
        return context
