"""Reads for the public portal. Everything here is public information: no user, no scope.

The catalogue and the station network belong to gov_services and stations; we read them through
their selectors (service_item_search, levels_accepted_at, public_station_directory,
public_region_list) and only shape the result for pages.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import zh_text
from core.money import yuan_plain
from gov_services.catalogue.selectors import levels_accepted_at, service_item_search
from gov_services.models import Department, ServiceItem, ServiceRequest
from portal.models import SECTION_SLUGS, GuideIndexPage, LifeEvent, NewsIndexPage, NewsPage, ServiceGuidePage
from stations.models import Region, Station, StationService
from stations.selectors import public_region_list, public_station_directory

POPULAR_WINDOW_DAYS = 90
# Shown under the home page's search box: what residents ask the stations for most.
SEARCH_HINTS = ["低保", "生育", "盖房", "营业执照", "新农合", "户籍证明"]

# Where a resident can hand in an application, by the level of the office (catalogue Level values).
OFFICE_AT_LEVEL = {
    "village": _("your village or community service station"),
    "community": _("a community service station"),
    "township": _("the township service centre"),
    "county": _("the county government service hall"),
    "city": _("the city government service hall"),
}


def offices_accepting(lowest_level: str) -> list:
    """The offices a resident may go to for an item accepted from `lowest_level` up: the nearest
    station that takes it, the township centre and the county hall (the city only for city items)."""
    levels = [level for level in ("village", "community", "township", "county")
              if lowest_level in levels_accepted_at(level)]
    if "village" in levels:
        levels.remove("community")  # "village or community station" already says it
    return [OFFICE_AT_LEVEL[level] for level in levels or ["city"]]


# --- Guides ----------------------------------------------------------------------------------

def guide_facts(*, item_id: int) -> dict | None:
    """What a guide shows from the catalogue: the item, its department, materials, time limits, fee,
    where it can be handed in, and the links into the request flow. Two queries."""
    item = service_item_search(include_inactive=True).filter(pk=item_id).first()
    if item is None:
        return None
    offices = offices_accepting(item.lowest_level)
    at_station = item.lowest_level in levels_accepted_at("community")
    return {
        "item": item,
        "department": item.department,
        "materials": list(item.materials.all()),
        "fee_yuan": yuan_plain(item.fee_fen),
        "offices": offices,
        "offices_text": gettext(", ").join(str(o) for o in offices),
        "at_station": at_station,
        "apply_online_url": (reverse("gov_services:resident-service-request-create", args=[item.code])
                             if item.online_allowed and item.is_active else ""),
        "stations_url": reverse("portal:station-directory") + f"?item={item.code}",
    }


def _live_guides(index_page: GuideIndexPage | None = None) -> QuerySet[ServiceGuidePage]:
    guides = ServiceGuidePage.objects.live().public().select_related("service_item__department")
    return guides.child_of(index_page) if index_page is not None else guides


@dataclass
class DepartmentGuides:
    department: Department | None
    guides: list[ServiceGuidePage] = field(default_factory=list)


def guide_groups_by_department(*, index_page: GuideIndexPage) -> list[DepartmentGuides]:
    """The index's live guides grouped by their item's department (county bureaus, then township
    centres; each by code). One query."""
    guides = _live_guides(index_page).order_by(  # county bureaus first, then the township centres
        "service_item__department__region__depth", "service_item__department__code", "service_item__code", "title")
    groups: list[DepartmentGuides] = []
    for guide in guides:
        department = guide.service_item.department if guide.service_item_id else None
        if not groups or groups[-1].department != department:
            groups.append(DepartmentGuides(department=department))
        groups[-1].guides.append(guide)
    return groups


def guides_for_life_event(*, index_page: GuideIndexPage, event: LifeEvent) -> list[ServiceGuidePage]:
    return list(_live_guides(index_page).filter(life_events=event).order_by("service_item__code", "title"))


def life_event_list() -> list[LifeEvent]:
    return list(LifeEvent.objects.all())


def popular_guides(*, limit: int = 8) -> list[ServiceGuidePage]:
    """Guides of the items residents asked for most in the last 90 days, then online-capable ones.
    Two queries."""
    since = timezone.now() - datetime.timedelta(days=POPULAR_WINDOW_DAYS)
    counts = dict(ServiceRequest.objects.filter(submitted_at__gte=since, item__isnull=False)
                  .values_list("item_id").annotate(n=Count("pk")).order_by("-n")[:100])
    guides = list(_live_guides())
    guides.sort(key=lambda g: (-counts.get(g.service_item_id, 0),
                               not (g.service_item and g.service_item.online_allowed),
                               g.service_item.code if g.service_item else g.title))
    return guides[:limit]


def guide_search(*, query: str, limit: int = 20) -> list[ServiceGuidePage]:
    """Live public guides for a resident's words, best first (portal/zh_search.py segments them)."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    guides = list(ServiceGuidePage.objects.live().public().search(query, operator="or")[:limit])
    if not guides:  # nothing for the whole words: try their parts too (农机购置补贴 → 补贴)
        parts = " ".join(zh_text.query_terms(query, fine=True))
        guides = list(ServiceGuidePage.objects.live().public().search(parts, operator="or")[:limit])
    items = {i.pk: i for i in ServiceItem.objects.select_related("department")
             .filter(pk__in=[g.service_item_id for g in guides])}
    for guide in guides:  # the department for the result line, without a query per guide
        if guide.service_item_id in items:
            guide.service_item = items[guide.service_item_id]
    return guides


def news_search(*, query: str, limit: int = 10) -> list[NewsPage]:
    query = (query or "").strip()[:100]
    if not query:
        return []
    return list(NewsPage.objects.live().public().search(query, operator="or")[:limit])


# --- News ----------------------------------------------------------------------------------

def news_list(*, index_page: NewsIndexPage, category: str = "") -> QuerySet[NewsPage]:
    articles = NewsPage.objects.live().public().child_of(index_page)
    if category:
        articles = articles.filter(category=category)
    return articles.order_by("-date", "-pk")


def latest_news(*, limit: int = 5) -> list[NewsPage]:
    return list(NewsPage.objects.live().public().order_by("-date", "-pk")[:limit])


# --- Phones, links, stations ----------------------------------------------------------------

def department_phone_list() -> list[Department]:
    """Active departments with a service phone, as the catalogue records them (county bureaus first)."""
    return list(Department.objects.filter(is_active=True).exclude(phone="").select_related("region")
                .order_by("region__depth", "code"))


def portal_links() -> dict[str, str]:
    """URLs of the portal's sections. The three section pages have fixed slugs under the home page
    (SectionPageMixin), so no query is needed to link to them."""
    return {
        **{name: f"/{slug}/" for name, slug in SECTION_SLUGS.items()},
        "stations": reverse("portal:station-directory"),
        "search": reverse("portal:search"),
        "performance": reverse("reports:public-performance"),
    }


def township_choices() -> list[dict]:
    """Townships (code and name) for the "find my station" picker. Two queries."""
    return public_region_list(level=Region.Level.TOWNSHIP)


def station_directory(*, township_code: str = "", service: str = "", item_code: str = "") -> dict:
    """The public station directory, narrowed by township, by a station service kind, and by a
    catalogue item (the stations that can accept it at their counter).

    Returns {"stations": [...], "item": ServiceItem | None, "item_at_station": bool}.
    """
    stations = public_station_directory(township_code=township_code or None)
    if service in StationService.Kind.values:
        stations = [s for s in stations if service in s["services"]]
    item = None
    if item_code:
        item = service_item_search().filter(code=item_code).first()
    if item is not None:
        stations = [s for s in stations
                    if s["status"] == Station.Status.OPEN and StationService.Kind.GOV_ERRANDS in s["services"]]
        village_levels = dict(Station.objects.filter(code__in=[s["code"] for s in stations])
                              .values_list("code", "village__level"))
        stations = [s for s in stations if item.lowest_level in levels_accepted_at(
            village_levels.get(s["code"], "village"))]
    return {"stations": stations, "item": item,
            "item_at_station": item is not None and item.lowest_level in levels_accepted_at("community")}
