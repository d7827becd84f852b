"""A county sets an item's approval steps (the catalogue's steps screen): which steps, in which order,
each one's limit in working days and who may do it, which must be done by different people, and
whether the overall limit is the sum of the steps or set by hand. Running requests keep the steps they
were filed with."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.audit import audit_event_record
from gov_services.models import ItemStep, ServiceItem
from gov_services.steps import StepPlan, overall_limit, plan_errors

_PLAN_MESSAGES = {
    "duplicate": gettext_lazy("Each step may appear once."),
    "required": gettext_lazy("An item needs the steps acceptance, review and approval."),
    "order": gettext_lazy("Acceptance comes first and approval last."),
    "separate_later": gettext_lazy("A step can only be kept apart from steps that come before it."),
}


def _snapshot(steps) -> list[dict]:
    return [{"kind": s.kind, "limit_days": s.limit_days, "role": s.role, "separate_from": list(s.separate_from)}
            for s in steps]


@transaction.atomic
def service_item_steps_set(*, item: ServiceItem, actor: User | None, steps: list[StepPlan],
                           overall_limit_fixed: bool, promised_limit_days: int | None = None) -> ServiceItem:
    """Replace the item's steps. Without `overall_limit_fixed` the promised limit becomes the sum of the
    steps after acceptance; with it, `promised_limit_days` is kept as given. Either way it may not pass
    the legal limit."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    errors = [str(_PLAN_MESSAGES[code]) for code in plan_errors(steps)]
    if errors:
        raise ValidationError({"steps": errors})
    total = overall_limit(steps)
    promised = promised_limit_days if overall_limit_fixed else total
    if promised is None or promised < 0:
        raise ValidationError({"promised_limit_days": _("Give the overall limit in working days.")})
    if promised > item.legal_limit_days:
        raise ValidationError({"promised_limit_days": _(
            "The overall limit (%(days)s working days) may not exceed the legal limit of %(legal)s.") % {
            "days": promised, "legal": item.legal_limit_days}})
    before = {"steps": _snapshot(item.steps.all()), "promised_limit_days": item.promised_limit_days,
              "overall_limit_fixed": item.overall_limit_fixed}
    item.steps.all().delete()
    ItemStep.objects.bulk_create([
        ItemStep(item=item, position=10 * (index + 1), kind=step.kind, limit_days=step.limit_days, role=step.role,
                 separate_from=list(step.separate_from)) for index, step in enumerate(steps)])
    item.promised_limit_days, item.overall_limit_fixed = promised, overall_limit_fixed
    item.save(update_fields=["promised_limit_days", "overall_limit_fixed"])
    audit_event_record(actor=actor, action="service_item.steps_set", target=item,
                       data={"before": before, "after": {"steps": _snapshot(steps),
                                                         "promised_limit_days": promised,
                                                         "overall_limit_fixed": overall_limit_fixed}})
    return item
