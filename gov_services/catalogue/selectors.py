"""Reads of the service catalogue: search for the counter and the portal, scoped lists for the back office.

Scope in the back office:
* a superuser sees and edits every item;
* a county admin sees the items of every department in their county, and edits them when they
  hold gov_services.change_serviceitem (adding needs add_serviceitem);
* a township admin sees their county's whole catalogue (their stations accept county items), read-only;
* a department officer sees their own department's items, read-only;
* anyone else (operators, residents) sees nothing here: the counter uses `service_item_search`.
"""

import re

from django.db.models import (
    Case,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core import zh_text
from core.queries import narrowed
from gov_services.catalogue.models import Department, SearchSynonym, ServiceItem
from gov_services.catalogue.steps import StepPlan, default_plan
from stations.models import Region
from stations.scope import get_in_scope, require, scope_for

LEVEL_ORDER: list[str] = list(ServiceItem.Level.values)  # village < community < township < county < city


def levels_accepted_at(level: str) -> list[str]:
    """The `lowest_level` values of items that an office at `level` may accept:
    a township centre takes items whose lowest level is village, community or township."""
    if level not in LEVEL_ORDER:
        raise ValueError(f"unknown accepting level {level!r}; expected one of {LEVEL_ORDER}")
    return LEVEL_ORDER[: LEVEL_ORDER.index(level) + 1]


def items_acceptable_at(level: str, items: QuerySet[ServiceItem] | None = None) -> QuerySet[ServiceItem]:
    """Active items an office at `level` may accept (narrowing `items` when given)."""
    items = ServiceItem.objects.filter(is_active=True) if items is None else items
    return items.filter(lowest_level__in=levels_accepted_at(level))


def service_item_search(*, query: str = "", department_id: int | None = None, category: str | None = None,
                        online_only: bool = False, accepting_level: str | None = None,
                        include_inactive: bool = False, place: Region | None = None) -> QuerySet[ServiceItem]:
    """Catalogue items matching `query` — the one search of the counter, the online services and the
    portal's catalogue. Codes and pinyin initials ("hjzm", "HJ-001"): each word must match part of the
    code, the initials or the name. Chinese: the words a resident types, segmented as the portal's search
    does (core/zh_text.py: jieba, stop words out) and widened by synonyms (ours and the county's
    SearchSynonym rows, `place` naming where), so 低保 finds 最低生活保障 and 开证明 every 证明; an item
    matches when its name holds any of a word's variants, for every word.
    Best matches first: exact code, then names / initials starting with the query, then the rest.
    One query (department selected), and one for the county's words when the query is Chinese.
    """
    items = ServiceItem.objects.select_related("department", "parent")
    if not include_inactive:
        items = items.filter(is_active=True)
    words = (query or "").split()
    if _HAN.search(query or ""):
        for group in zh_text.query_groups(query, extra=county_synonyms(place=place)):
            match = Q()
            for term in group:
                match |= Q(name__icontains=term)
            items = items.filter(match | Q(pinyin_initials__contains=group[0].lower()))
    else:
        for word in words:
            items = items.filter(Q(name__icontains=word) | Q(code__icontains=word)
                                 | Q(pinyin_initials__contains=word.lower()))
    items = narrowed(items, department_id=department_id, category=category, online_allowed=online_only)
    if accepting_level:
        items = items_acceptable_at(accepting_level, items)
    if words:
        first = words[0]
        items = items.annotate(match_rank=Case(
            When(code__iexact=first, then=Value(0)),
            When(Q(name__startswith=first) | Q(pinyin_initials__startswith=first.lower()), then=Value(1)),
            default=Value(2), output_field=IntegerField(),
        )).order_by("match_rank", "code")
    else:
        items = items.order_by(*CATALOGUE_ORDER)
    return items


_HAN = re.compile(r"[\u3400-\u9fff]")


def county_synonyms(*, place: Region | None = None) -> dict[str, tuple[str, ...]]:
    """The search words counties added (SearchSynonym): those for every county, and those of the county
    holding `place`."""
    rows = SearchSynonym.objects.filter(county__isnull=True)
    if place is not None:
        step = Region.steplen
        prefixes = [place.path[:end] for end in range(step, len(place.path) + 1, step)]
        rows = SearchSynonym.objects.filter(Q(county__isnull=True) | Q(county__path__in=prefixes))
    found: dict[str, tuple[str, ...]] = {}
    for row in rows:
        found[row.word] = (*found.get(row.word, ()), *row.terms)
    return found


# By code, each sub-item right after its parent.
CATALOGUE_ORDER = (Coalesce("parent__code", "code"), F("parent_id").asc(nulls_first=True), "code")


def with_sub_items(items: QuerySet[ServiceItem], *, sub_items: QuerySet[ServiceItem],
                   nested: bool) -> QuerySet[ServiceItem]:
    """`items`, each with `sub_item_list`: its sub-items among `sub_items` (those the reader may choose).
    `nested` (browsing, no search words): sub-items of active parents are left out of `items`, as
    they show under their parent."""
    items = items.prefetch_related(Prefetch("sub_items", queryset=sub_items.order_by("code"),
                                            to_attr="sub_item_list"))
    return items.exclude(parent__is_active=True) if nested else items


def sub_items_to_choose(*, item: ServiceItem) -> QuerySet[ServiceItem]:
    """`item`'s active sub-items: while it has any, one of them is filed, never `item` itself."""
    return item.sub_items.filter(is_active=True).order_by("code")


def parent_item_refusal(*, item: ServiceItem) -> str:
    """Why `item` cannot be filed as it is ("" when it can): it has active sub-items, one of which is filed.
    The filing service refuses with this message; the counter and the online form say it before a form."""
    names = list(sub_items_to_choose(item=item).values_list("name", flat=True))
    if not names:
        return ""
    return _("“%(item)s” is filed as one of its sub-items; choose the one that fits: %(sub_items)s.") % {
        "item": item.name, "sub_items": "、".join(names)}


def item_plan(item: ServiceItem | None) -> list[StepPlan]:
    """The item's approval steps, or the default three for an item that has none of its own (a request
    filed for the item takes a copy of these: gov_services/requests/services/steps.py)."""
    steps = list(item.steps.all()) if item is not None else []
    if not steps:
        return default_plan(item.promised_limit_days if item is not None else 0)
    return [StepPlan(s.kind, s.limit_days, s.role, tuple(s.separate_from)) for s in steps]


# ---------------------------------------------------------------------------------------------
# Where an item can be filed: the same rule at the counter, online and in the filing service
# ---------------------------------------------------------------------------------------------

PLACE_LEVELS = (Region.Level.VILLAGE, Region.Level.COMMUNITY)


def _enclosing_paths(path: str) -> list[str]:
    """The paths of the region at `path` and of every region above it."""
    return [path[:end] for end in range(Region.steplen, len(path) + 1, Region.steplen)]


def _fileable_at_level(level: str) -> Q:
    """Items that may be filed for a place at `level`: those its offices accept (the item's lowest accepting
    level is the place's or below), and those residents may apply for online — an operator filing such an
    item at the counter does for the resident what they could do from home."""
    return Q(lowest_level__in=levels_accepted_at(level)) | Q(online_allowed=True)


def service_items_available_at(*, place: Region, query: str = "", online_only: bool = False) -> QuerySet[ServiceItem]:
    """The items a resident of `place` (a village or community) can file there — at its station's counter
    or, `online_only`, from home: active, fileable at the place's level (`_fileable_at_level`), and handled
    by a department whose region holds the place. Online is the counter's list narrowed to the items that
    allow it. One query."""
    if place.level not in PLACE_LEVELS:
        return ServiceItem.objects.none()
    return service_item_search(query=query, online_only=online_only, place=place).filter(
        _fileable_at_level(place.level), department__region__path__in=_enclosing_paths(place.path))


def service_item_available_at(*, item: ServiceItem, place: Region) -> bool:
    return service_items_available_at(place=place).filter(pk=item.pk).exists()


def village_committee_for(*, village: Region) -> Department | None:
    """The village's committee (a department at village level), which issues its 村委会证明."""
    return Department.objects.filter(level=Department.Level.VILLAGE, region=village, is_active=True).first()


def places_offering(*, item: ServiceItem) -> QuerySet[Region]:
    """The villages and communities where `item` is available (service_items_available_at, read the other
    way: under the department's region, at a level where the item is fileable)."""
    levels = [level for level in PLACE_LEVELS
              if item.online_allowed or item.lowest_level in levels_accepted_at(level)]
    return Region.objects.filter(path__startswith=item.department.region.path, level__in=levels)


# ---------------------------------------------------------------------------------------------
# Back-office scope (stations/scope)
# ---------------------------------------------------------------------------------------------

def _view_q(scope) -> Q:
    """Items the user may see: their departments' items; an admin's whole county (a township's stations
    accept county items too)."""
    return scope.q(department="department_id", place="department__region__path", whole_county=True)


def can_view_catalogue(*, user) -> bool:
    """Whether the back-office catalogue is open to the user at all (not to operators or residents)."""
    scope = scope_for(user)
    return scope.is_county_staff or scope.is_department_staff


def can_edit_catalogue(*, user, permission: str = "gov_services.change_serviceitem") -> bool:
    """County admins holding the permission edit their county's catalogue."""
    return scope_for(user).is_county_admin and user.has_perm(permission)


def service_item_list_for_admin(*, user, query: str = "", department_id: int | None = None,
                                category: str | None = None, online_only: bool = False) -> QuerySet[ServiceItem]:
    """The items in the user's back-office scope, inactive ones included, searchable like the counter."""
    items = service_item_search(query=query, department_id=department_id, category=category,
                                online_only=online_only, include_inactive=True)
    scope = scope_for(user)
    return items.filter(_view_q(scope)) if scope.is_authenticated else items.none()


def access_service_item_by_id(*, user, item_id: int) -> ServiceItem:
    """One item for the back office (read); 404 outside the user's scope, as for a missing one."""
    return get_in_scope(service_item_list_for_admin(user=user), pk=item_id)


def can_edit_service_item(*, user, item: ServiceItem) -> bool:
    return can_edit_catalogue(user=user) and scope_for(user).covers(item.department.region.path, county_only=True)


def access_service_item_for_edit(*, user, item_id: int) -> ServiceItem:
    """One item the user may change: 403 for someone who edits no catalogue, 404 for an item outside
    their county."""
    require(can_edit_catalogue(user=user), _("You may not change the service catalogue."))
    items = ServiceItem.objects.select_related("department", "department__region")
    return get_in_scope(items.filter(scope_for(user).q(place="department__region__path", county_only=True)),
                        pk=item_id)


def catalogue_department_list(*, user) -> QuerySet[Department]:
    """Departments whose items the user may see (for the list's department filter)."""
    return scope_for(user).filter(Department.objects.order_by("code"), department="pk", place="region__path",
                                  whole_county=True)


def editable_department_list(*, user) -> QuerySet[Department]:
    """Departments an item may be assigned to by this user (create and edit forms)."""
    if not (can_edit_catalogue(user=user) or can_edit_catalogue(user=user, permission="gov_services.add_serviceitem")):
        return Department.objects.none()
    return Department.objects.filter(scope_for(user).q(place="region__path", county_only=True)).order_by("code")


def import_county_list(*, user) -> QuerySet[Region]:
    """Counties whose catalogue the user may import into: their own; every county for a superuser."""
    if not (can_edit_catalogue(user=user) and user.has_perm("gov_services.add_serviceitem")):
        return Region.objects.none()
    return Region.objects.filter(scope_for(user).q(place="path", county_only=True),
                                 level=Region.Level.COUNTY).order_by("path")


def can_import_catalogue(*, user) -> bool:
    """Whether the user may import into some county's catalogue (and follow their imports)."""
    return import_county_list(user=user).exists()


def service_items_for_export(*, items: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    """`items` ready for spreadsheets.catalogue_export: department and parent selected, materials prefetched."""
    return items.select_related("department", "parent").prefetch_related("materials").order_by("code")
