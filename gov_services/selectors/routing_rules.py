"""Reads for the county settings screens: the appeal routing-rule table and the holiday calendar.

Scope: a county admin edits their own county's rules (and the national holiday calendar the
county maintains); a township admin sees their county's rules and the calendar, read-only; a
superuser edits everything (the first county, unless another is asked for); anyone else nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gov_services.models import CalendarDay, Department, RoutingRule
from stations.models import Region
from stations.scope import get_in_scope, require, scope_for


def can_edit_settings(*, user) -> bool:
    """County admins and superusers edit the routing rules and the holiday calendar."""
    return scope_for(user).is_county_admin


def can_view_settings(*, user) -> bool:
    """County admins, township admins and superusers see the settings screens."""
    return scope_for(user).is_county_staff


def settings_county_for(*, user, county_id: int | None = None) -> Region:
    """The county whose settings the user sees, or PermissionDenied."""
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("path")
    if user.is_superuser:
        county = (counties.filter(pk=county_id).first() if county_id else None) or counties.first()
        if county is None:
            raise PermissionDenied(_("There is no county to configure yet."))
        return county
    scope = scope_for(user)
    county = counties.filter(path=scope.county_path).first() if scope.is_county_staff else None
    if county is None:
        raise PermissionDenied(_("The county settings are for county and township admins."))
    return county


def settings_county_list(*, user) -> QuerySet[Region]:
    """Counties the user may switch between (only superusers have more than one)."""
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("path")
    return counties if user.is_superuser else counties.none()


def routing_rule_list(*, user, county: Region | None = None) -> QuerySet[RoutingRule]:
    """The county's routing rules, by category then most specific first-ish (creation order)."""
    if not can_view_settings(user=user):
        raise PermissionDenied(_("The county settings are for county and township admins."))
    county = county or settings_county_for(user=user)
    return (RoutingRule.objects.filter(county=county)
            .select_related("region", "department").order_by("category", "pk"))


def access_routing_rule_by_id(*, user, rule_id: int) -> RoutingRule:
    """One rule the user may change: 403 for someone who may not edit rules, 404 for another county's
    (as for an id that does not exist)."""
    require(can_edit_settings(user=user), _("You may not change the routing rules."))
    rules = RoutingRule.objects.select_related("county", "region", "department")
    return get_in_scope(rules.filter(scope_for(user).q(place="county__path", county_only=True)), pk=rule_id)


def routing_region_choices(*, county: Region) -> QuerySet[Region]:
    """Regions a rule may name: the county's townships, villages and communities."""
    return Region.objects.filter(path__startswith=county.path, depth__gt=county.depth).order_by("path")


def routing_department_choices(*, county: Region) -> QuerySet[Department]:
    """Departments serving the county or a region within it, and the city-level (市直) departments of its
    city, which serve it too (a rule may send appeals to the city's 公积金中心). City, county, then township."""
    city = Q(level=Department.Level.CITY, region__path=county.path[: Region.steplen])
    return (Department.objects.filter(Q(region__path__startswith=county.path) | city).select_related("region")
            .order_by("region__depth", "code"))


def routing_village_choices(*, county: Region) -> QuerySet[Region]:
    """Villages and communities of the county (for the route tester)."""
    return routing_region_choices(county=county).filter(
        level__in=[Region.Level.VILLAGE, Region.Level.COMMUNITY])


def calendar_day_list(*, user, year: int) -> QuerySet[CalendarDay]:
    if not can_view_settings(user=user):
        raise PermissionDenied(_("The county settings are for county and township admins."))
    return CalendarDay.objects.filter(date__year=year).order_by("date")


def access_calendar_day_by_id(*, user, day_id: int) -> CalendarDay:
    require(can_edit_settings(user=user), _("You may not change the holiday calendar."))
    return get_in_scope(CalendarDay.objects.all(), pk=day_id)
