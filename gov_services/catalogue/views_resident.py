"""The resident's catalogue (public, no sign-in): find a service, read its guide.

Residents are often elderly and on a phone: one task per page, big controls; the guide says what
to bring, how long it takes and where to apply (online, at a village station, or at the office).
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View

from core.money import yuan_plain
from gov_services.catalogue.models import ServiceItem
from gov_services.catalogue.selectors import places_offering, service_item_search, with_sub_items


def _signup_url() -> str | None:
    try:
        return reverse("accounts:signup")
    except NoReverseMatch:  # until accounts/urls.py includes the sign-up pages
        return None


class ServiceItemBrowseView(View):
    """/services/: find a service by name or pinyin initials; online ones first-class."""

    template_name = "gov_services/resident_service_list.html"
    paginate_by = 20

    def get(self, request):
        query = (request.GET.get("q") or "").strip()[:50]
        online_only = request.GET.get("online") == "1"
        items = with_sub_items(service_item_search(query=query, online_only=online_only),
                               sub_items=service_item_search(), nested=not query)
        if not query:  # browsing: what can be done from the phone comes first
            items = items.order_by("-online_allowed", "code")
        page = Paginator(items, self.paginate_by).get_page(request.GET.get("page"))
        return TemplateResponse(request, self.template_name, {
            "page_obj": page, "items": page.object_list, "query": query, "online_only": online_only,
            "filtered": bool(query or online_only),
        })


def _item_or_404(code: str) -> ServiceItem:
    item = service_item_search().filter(code=code).first()
    if item is None:
        raise Http404(_("There is no such service."))
    return item


class ServiceItemGuideView(View):
    """/services/<code>/: what the service is, what to bring, how long it takes, where to apply."""

    template_name = "gov_services/resident_service_detail.html"

    def get(self, request, code):
        item = _item_or_404(code)
        offered_at_villages = places_offering(item=item).exists()
        sub_items = list(service_item_search().filter(parent=item))  # a parent's sub-items are what one applies for
        return TemplateResponse(request, self.template_name, {
            "item": item, "materials": item.materials.all(), "fee_yuan": yuan_plain(item.fee_fen),
            "signup_url": _signup_url(), "offered_at_villages": offered_at_villages,
            "apply_online": item.online_allowed and offered_at_villages and not sub_items,
            "sub_items": sub_items,
        })
