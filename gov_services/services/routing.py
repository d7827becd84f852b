"""Writes of the county's appeal routing-rule table (RoutingRule); each leaves an audit event."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from gov_services.models import Department, RoutingRule, ServiceRequest
from stations.models import Region


def _validate(*, county: Region, category: str, region: Region | None, department: Department) -> None:
    """Field-keyed errors: category valid, region inside the county, department serving it."""
    errors: dict[str, list[str]] = {}
    if county.level != Region.Level.COUNTY:
        errors.setdefault("__all__", []).append(_("Routing rules belong to a county."))
    if category not in ServiceRequest.AppealCategory.values:
        errors.setdefault("category", []).append(_("Choose a valid appeal category."))
    if region is not None and not (region.path.startswith(county.path) and region.depth > county.depth):
        errors.setdefault("region", []).append(
            _("%(region)s is not in %(county)s.") % {"region": region.name, "county": county.name})
    served = (region or county).path
    if not served.startswith(department.region.path):
        errors.setdefault("department", []).append(
            _("%(department)s does not serve %(region)s.") % {"department": department.name,
                                                                "region": (region or county).name})
    if errors:
        raise ValidationError(errors)


def _snapshot(rule: RoutingRule) -> dict:
    return {"category": rule.category, "region": rule.region_id, "keyword": rule.keyword,
            "department": rule.department_id}


@transaction.atomic
def routing_rule_create(*, actor: User | None, county: Region, category: str, department: Department,
                        region: Region | None = None, keyword: str = "") -> RoutingRule:
    _validate(county=county, category=category, region=region, department=department)
    rule = RoutingRule(county=county, category=category, region=region, keyword=keyword.strip(),
                       department=department)
    rule.full_clean()
    rule.save()
    audit_event_record(actor=actor, action="routing_rule.created", target=rule, data=_snapshot(rule))
    return rule


@transaction.atomic
def routing_rule_update(*, rule: RoutingRule, actor: User | None, category: str, department: Department,
                        region: Region | None = None, keyword: str = "") -> RoutingRule:
    _validate(county=rule.county, category=category, region=region, department=department)
    before = _snapshot(rule)
    rule.category, rule.region, rule.keyword, rule.department = category, region, keyword.strip(), department
    rule.full_clean()
    rule.save()
    audit_event_record(actor=actor, action="routing_rule.updated", target=rule,
                       data={"before": before, "after": _snapshot(rule)})
    return rule


@transaction.atomic
def routing_rule_delete(*, rule: RoutingRule, actor: User | None) -> None:
    audit_event_record(actor=actor, action="routing_rule.deleted", target=rule, data=_snapshot(rule))
    rule.delete()
