"""Reads of the service catalogue: search for the counter and the portal, scoped lists for the back office.

Scope in the back office:
* a superuser sees and edits every item;
* a county admin sees the items of every department in their county, and edits them when they
  hold gov_services.change_serviceitem (adding needs add_serviceitem);
* a township admin sees their county's whole catalogue (their stations accept county items), read-only;
* a department officer sees their own department's items, read-only;
* anyone else (operators, residents) sees nothing here: the counter uses `service_item_search`.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from gov_services.models import Department, DepartmentMembership, ServiceItem
from stations.models import Region
from stations.selectors import admin_region_for

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
                        include_inactive: bool = False) -> QuerySet[ServiceItem]:
    """Catalogue items matching `query`: a Chinese substring of the name, part of the code, or pinyin
    initials ("hjzm" and "户籍" both find 户籍证明). Several words must all match.
    Best matches first: exact code, then names / initials starting with the query, then the rest.
    One query (department selected).
    """
    items = ServiceItem.objects.select_related("department")
    if not include_inactive:
        items = items.filter(is_active=True)
    words = (query or "").split()
    for word in words:
        items = items.filter(Q(name__icontains=word) | Q(code__icontains=word)
                             | Q(pinyin_initials__contains=word.lower()))
    if department_id:
        items = items.filter(department_id=department_id)
    if category:
        items = items.filter(category=category)
    if online_only:
        items = items.filter(online_allowed=True)
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
        items = items.order_by("code")
    return items


# ---------------------------------------------------------------------------------------------
# Back-office scope
# ---------------------------------------------------------------------------------------------

def _admin_region(user) -> Region | None:
    """admin_region_for, asked once per user object (one request): a list page checks scope,
    filters and edit rights and would otherwise repeat the same query each time."""
    if "_catalogue_admin_region" not in user.__dict__:
        user.__dict__["_catalogue_admin_region"] = admin_region_for(user=user)
    return user.__dict__["_catalogue_admin_region"]


def _county_path(region: Region) -> str:
    """The path of the county containing `region` (a city's own path for a city admin)."""
    depth = 2 if region.depth >= 2 else region.depth
    return region.path[: Region.steplen * depth]


def _view_scope(user) -> Q | None:
    """Items the user may see: a Q, or None for everything. Q(pk__in=[]) for nothing."""
    if user.is_superuser:
        return None
    if not user.is_authenticated:
        return Q(pk__in=[])
    scope = Q(department_id__in=DepartmentMembership.objects.filter(user=user).values("department_id"))
    region = _admin_region(user)
    if region is not None:
        scope |= Q(department__region__path__startswith=_county_path(region))
    return scope


def _edit_region(user) -> Region | None:
    """The region whose catalogue the user may edit: a county (or city) they administer."""
    region = _admin_region(user)
    if region is not None and region.level in (Region.Level.COUNTY, Region.Level.CITY):
        return region
    return None


def can_view_catalogue(*, user) -> bool:
    """Whether the back-office catalogue is open to the user at all (not to operators or residents)."""
    if user.is_superuser:
        return True
    if not user.is_authenticated:
        return False
    return _admin_region(user) is not None or DepartmentMembership.objects.filter(user=user).exists()


def can_edit_catalogue(*, user, permission: str = "gov_services.change_serviceitem") -> bool:
    if user.is_superuser:
        return True
    return user.is_authenticated and user.has_perm(permission) and _edit_region(user) is not None


def service_item_list_for_admin(*, user, query: str = "", department_id: int | None = None,
                                category: str | None = None, online_only: bool = False) -> QuerySet[ServiceItem]:
    """The items in the user's back-office scope, inactive ones included, searchable like the counter."""
    items = service_item_search(query=query, department_id=department_id, category=category,
                                online_only=online_only, include_inactive=True)
    scope = _view_scope(user)
    return items if scope is None else items.filter(scope)


def access_service_item_by_id(*, user, item_id: int) -> ServiceItem:
    """One item for the back office (read), or PermissionDenied — also for an id that does not exist."""
    item = service_item_list_for_admin(user=user).filter(pk=item_id).first()
    if item is None:
        raise PermissionDenied(_("You may not see this service item."))
    return item


def access_service_item_for_edit(*, user, item_id: int) -> ServiceItem:
    """One item the user may change, or PermissionDenied."""
    if not can_edit_catalogue(user=user):
        raise PermissionDenied(_("You may not change the service catalogue."))
    items = ServiceItem.objects.select_related("department", "department__region").filter(pk=item_id)
    if not user.is_superuser:
        items = items.filter(department__region__path__startswith=_edit_region(user).path)
    item = items.first()
    if item is None:
        raise PermissionDenied(_("You may not change this service item."))
    return item


def catalogue_department_list(*, user) -> QuerySet[Department]:
    """Departments whose items the user may see (for the list's department filter)."""
    departments = Department.objects.order_by("code")
    if user.is_superuser:
        return departments
    if not user.is_authenticated:
        return departments.none()
    scope = Q(pk__in=DepartmentMembership.objects.filter(user=user).values("department_id"))
    region = _admin_region(user)
    if region is not None:
        scope |= Q(region__path__startswith=_county_path(region))
    return departments.filter(scope)


def editable_department_list(*, user) -> QuerySet[Department]:
    """Departments an item may be assigned to by this user (create and edit forms)."""
    departments = Department.objects.order_by("code")
    if user.is_superuser:
        return departments
    region = _edit_region(user) if can_edit_catalogue(user=user, permission="gov_services.add_serviceitem") \
        or can_edit_catalogue(user=user) else None
    return departments.filter(region__path__startswith=region.path) if region else departments.none()


def import_county_list(*, user) -> QuerySet[Region]:
    """Counties whose catalogue the user may import into: their own; every county for a superuser."""
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("path")
    if user.is_superuser:
        return counties
    if not (can_edit_catalogue(user=user) and user.has_perm("gov_services.add_serviceitem")):
        return counties.none()
    return counties.filter(path__startswith=_edit_region(user).path)


def service_items_for_export(*, items: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    """`items` ready for catalogue_io.catalogue_export: department selected, materials prefetched."""
    return items.select_related("department").prefetch_related("materials").order_by("code")
