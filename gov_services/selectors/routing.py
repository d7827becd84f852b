"""Where an appeal goes: the county's RoutingRule rows fed to the pure rules in gov_services/routing.py."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gov_services.models import Department, RoutingRule
from gov_services.routing import Rule, choose_department
from stations.models import Region


def dispatch_desk_for(*, county: Region) -> Department:
    """The county's dispatch desk (the department marked as such, lowest code first); one query."""
    desk = Department.objects.filter(region=county, is_dispatch_desk=True).order_by("code").first()
    if desk is None:
        raise ValidationError(
            _("%(county)s has no dispatch desk: mark one of its county departments as the dispatch desk "
              "so that appeals no routing rule matches have somewhere to go."),
            code="no_dispatch_desk", params={"county": county.name})
    return desk


def appeal_department_for(*, county: Region, category: str, village: Region | None, text: str) -> Department:
    """The department an appeal goes to, by the county's routing rules; unmatched ones go to the desk.

    Two queries: the county's rules for the category (with their departments and regions), and
    the dispatch desk, which must exist even when a rule matches (a county without one is
    misconfigured, and we say so at once rather than on the first unmatched appeal).
    """
    if village is not None and not village.path.startswith(county.path):
        raise ValidationError(_("%(village)s is not in %(county)s."), code="village_outside_county",
                              params={"village": village.name, "county": county.name})
    rows = list(RoutingRule.objects.filter(county=county, category=category)
                .select_related("department", "region").order_by("pk"))
    desk = dispatch_desk_for(county=county)
    rules = [Rule(department_id=row.department_id, category=row.category,
                  region_path=row.region.path if row.region_id else None, keyword=row.keyword)
             for row in rows]
    chosen = choose_department(rules, category=category, village_path=village.path if village else None,
                               text=text, dispatch_desk_id=desk.pk)
    departments = {row.department_id: row.department for row in rows}
    return departments.get(chosen, desk)
