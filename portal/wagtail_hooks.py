"""Editors manage life events in the CMS (Snippets › Life events)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.models import LifeEvent


class LifeEventViewSet(SnippetViewSet):
    model = LifeEvent
    icon = "calendar-alt"
    menu_label = _("Life events")
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "pk"]


register_snippet(LifeEventViewSet)
