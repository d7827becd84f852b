"""A county's supervision settings (card thresholds, how long a returned request waits, follow-ups,
assessment weights) and its escalation chain: the steps a late request takes, which the county can change."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from gov_services.models import Card, EscalationStep, SupervisionSettings
from stations.models import Region

# The chain a county starts with (Laoting practice; the days are assumptions the county can change).
DEFAULT_STEPS = (
    {"label": "黄牌提醒经办人", "card": Card.YELLOW, "after_days": 0, "notify": EscalationStep.Notify.ASSIGNEE,
     "task": EscalationStep.Task.NONE},
    {"label": "红牌督办电话", "card": Card.RED, "after_days": 0, "notify": EscalationStep.Notify.HEAD,
     "task": EscalationStep.Task.CALL},
    {"label": "移交组织部约谈", "card": Card.RED, "after_days": 3, "notify": EscalationStep.Notify.HEAD,
     "task": EscalationStep.Task.INTERVIEW},
)


@transaction.atomic
def supervision_settings_ensure(*, county: Region) -> SupervisionSettings:
    """The county's settings, created with the default escalation chain the first time (idempotent)."""
    config, created = SupervisionSettings.objects.get_or_create(county=county)
    if created:
        EscalationStep.objects.bulk_create(
            [EscalationStep(county=county, position=10 * (i + 1), **step) for i, step in enumerate(DEFAULT_STEPS)])
        audit_event_record(actor=None, action="supervision_settings.created", target=config,
                           data={"steps": [s["label"] for s in DEFAULT_STEPS]})
    return config


_SETTING_FIELDS = ("yellow_percent", "red_percent", "returned_close_days", "follow_up_days", "weight_on_time",
                   "weight_satisfaction", "weight_red_cards", "weight_follow_ups", "officer_share")


@transaction.atomic
def supervision_settings_update(*, county: Region, actor: User, yellow_percent: int, red_percent: int,
                                returned_close_days: int, weight_on_time: int, weight_satisfaction: int,
                                weight_red_cards: int, weight_follow_ups: int,
                                follow_up_days: int | None = None,
                                officer_share: int | None = None) -> SupervisionSettings:
    """Change the county's settings; `follow_up_days` (`officer_share`) None keeps it as it is."""
    config = supervision_settings_ensure(county=county)
    config = SupervisionSettings.objects.select_for_update().get(pk=config.pk)
    before = {name: getattr(config, name) for name in _SETTING_FIELDS}
    values = {"yellow_percent": yellow_percent, "red_percent": red_percent,
              "returned_close_days": returned_close_days, "weight_on_time": weight_on_time,
              "weight_satisfaction": weight_satisfaction, "weight_red_cards": weight_red_cards,
              "weight_follow_ups": weight_follow_ups,
              "follow_up_days": config.follow_up_days if follow_up_days is None else follow_up_days,
              "officer_share": config.officer_share if officer_share is None else officer_share}
    if yellow_percent >= red_percent:
        raise ValidationError({"red_percent": _("The red card must come after the yellow card.")})
    if weight_on_time + weight_satisfaction + weight_red_cards + weight_follow_ups == 0:
        raise ValidationError({"weight_on_time": _("At least one weight must be above zero.")})
    for name, value in values.items():
        setattr(config, name, value)
    config.full_clean()
    config.save()
    audit_event_record(actor=actor, action="supervision_settings.updated", target=config,
                       data={"before": before, "after": values})
    return config


def _step_snapshot(step: EscalationStep) -> dict:
    return {"label": step.label, "card": step.card, "after_days": step.after_days, "notify": step.notify,
            "task": step.task, "position": step.position, "is_active": step.is_active}


@transaction.atomic
def escalation_step_create(*, county: Region, actor: User, label: str, card: str, after_days: int, notify: str,
                           task: str, position: int) -> EscalationStep:
    supervision_settings_ensure(county=county)
    step = EscalationStep(county=county, label=label.strip(), card=card, after_days=after_days, notify=notify,
                          task=task, position=position)
    step.full_clean()
    step.save()
    audit_event_record(actor=actor, action="escalation_step.created", target=step, data=_step_snapshot(step))
    return step


@transaction.atomic
def escalation_step_update(*, step: EscalationStep, actor: User, label: str, card: str, after_days: int,
                           notify: str, task: str, position: int, is_active: bool) -> EscalationStep:
    """Change a step. Escalations it already issued keep their copy of its name, card and task."""
    step = EscalationStep.objects.select_for_update().get(pk=step.pk)
    before = _step_snapshot(step)
    step.label, step.card, step.after_days = label.strip(), card, after_days
    step.notify, step.task, step.position, step.is_active = notify, task, position, is_active
    step.full_clean()
    step.save()
    audit_event_record(actor=actor, action="escalation_step.updated", target=step,
                       data={"before": before, "after": _step_snapshot(step)})
    return step
