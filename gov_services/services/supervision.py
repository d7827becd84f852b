"""Writes of supervision: the sweep that issues cards, escalates and closes stale returned requests;
the outcome staff record on an escalation; a county's settings and escalation steps.

The sweep (`supervision_sweep_run`) is set-based: for each county it asks the database, with one
indexed query per card level and per step, for the requests that need something *now*, and only
those ever reach Python. Writes are batched (bulk_create … ignore_conflicts) and each batch is one
transaction: the cards or escalations, their RequestEvents and the text messages land together.

Idempotency: the unique keys (request, level) and (request, step) let only one sweep insert a
row; each row carries its sweep's id, so after inserting a batch a sweep reads back which rows are
its own and writes events and messages for those alone. A second run at the same moment — or a
concurrent one — issues nothing new. Stale returned requests are closed under row locks taken with
SKIP LOCKED, so two sweeps never close the same request twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from gov_services.deadlines import local_date
from gov_services.models import (
    Card,
    Department,
    DepartmentMembership,
    Escalation,
    EscalationStep,
    RequestEvent,
    ServiceItem,
    ServiceRequest,
    SupervisionCard,
    SupervisionSettings,
    SupervisionSweep,
)
from gov_services.notifications import notify_staff_of_card, notify_staff_of_escalation
from gov_services.selectors import supervision as selectors
from gov_services.selectors.calendar import work_calendar
from gov_services.supervision import Thresholds, card_bounds, held_since_bound
from gov_services.workflow import APPEAL_LIMIT_DAYS, CLOCK_RUNNING, Action, transition
from stations.models import Region

Status = ServiceRequest.Status
BATCH_SIZE = 2000
# Batches that send text messages are smaller: each message is an outbox row in the batch's transaction.
NOTIFY_BATCH_SIZE = 500
CARD_ACTIONS = {Card.YELLOW: Action.CARD_YELLOW, Card.RED: Action.CARD_RED}

# The chain a county starts with (Laoting practice; the days are assumptions the county can change).
DEFAULT_STEPS = (
    {"label": "黄牌提醒经办人", "card": Card.YELLOW, "after_days": 0, "notify": EscalationStep.Notify.ASSIGNEE,
     "task": EscalationStep.Task.NONE},
    {"label": "红牌督办电话", "card": Card.RED, "after_days": 0, "notify": EscalationStep.Notify.HEAD,
     "task": EscalationStep.Task.CALL},
    {"label": "移交组织部约谈", "card": Card.RED, "after_days": 3, "notify": EscalationStep.Notify.HEAD,
     "task": EscalationStep.Task.INTERVIEW},
)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- Settings ----------------------------------------------------------------------------------------

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


_SETTING_FIELDS = ("yellow_percent", "red_percent", "returned_close_days", "weight_on_time",
                   "weight_satisfaction", "weight_red_cards", "weight_follow_ups")


@transaction.atomic
def supervision_settings_update(*, county: Region, actor: User, yellow_percent: int, red_percent: int,
                                returned_close_days: int, weight_on_time: int, weight_satisfaction: int,
                                weight_red_cards: int, weight_follow_ups: int) -> SupervisionSettings:
    config = supervision_settings_ensure(county=county)
    config = SupervisionSettings.objects.select_for_update().get(pk=config.pk)
    before = {name: getattr(config, name) for name in _SETTING_FIELDS}
    values = {"yellow_percent": yellow_percent, "red_percent": red_percent,
              "returned_close_days": returned_close_days, "weight_on_time": weight_on_time,
              "weight_satisfaction": weight_satisfaction, "weight_red_cards": weight_red_cards,
              "weight_follow_ups": weight_follow_ups}
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


# --- Acting on an escalation -------------------------------------------------------------------------

@transaction.atomic
def escalation_record_outcome(*, escalation: Escalation, actor: User, call_made: bool, outcome: str) -> Escalation:
    """The supervision office records the call made (or the referral held) and its outcome; the task is
    done. A second submit is refused, naming who recorded it first."""
    if not selectors.can_manage_supervision(user=actor):
        raise PermissionDenied(_("Only the county supervision office records the outcome."))
    escalation = Escalation.objects.select_for_update().select_related("handled_by").get(pk=escalation.pk)
    if escalation.status != Escalation.Status.OPEN:
        raise ValidationError(
            _("This escalation was already recorded by %(name)s on %(date)s.") % {
                "name": escalation.handled_by or "—",
                "date": timezone.localtime(escalation.handled_at).strftime("%Y-%m-%d %H:%M")
                if escalation.handled_at else "—"},
            code="already_recorded")
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Write down what was agreed or found.")})
    now = timezone.now()
    escalation.status, escalation.outcome = Escalation.Status.DONE, outcome
    escalation.call_made_at = now if call_made else None
    escalation.handled_by, escalation.handled_at = actor, now
    escalation.save(update_fields=["status", "outcome", "call_made_at", "handled_by", "handled_at"])
    request = escalation.request
    RequestEvent.objects.create(
        request=request, actor=actor, action=Action.NOTE, from_status=request.status, to_status=request.status,
        internal=True, note=f"{escalation.label}: {outcome}",
        data={"escalation": escalation.pk, "call_made": call_made})
    audit_event_record(actor=actor, action="escalation.outcome_recorded", target=escalation,
                       data={"call_made": call_made, "outcome": outcome})
    return escalation


# --- The sweep ---------------------------------------------------------------------------------------

@dataclass
class _CountyPlan:
    """What the sweep needs to know about one county, loaded once."""

    county: Region
    config: SupervisionSettings
    department_ids: list[int]
    items_by_limit: dict[int, list[int]]
    steps: list[EscalationStep]
    heads: dict[int, list[User]] = field(default_factory=dict)

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.config.yellow_percent, self.config.red_percent)


def _plan(county: Region) -> _CountyPlan:
    config = supervision_settings_ensure(county=county)
    department_ids = list(Department.objects.filter(region__path__startswith=county.path)
                          .values_list("pk", flat=True))
    items_by_limit: dict[int, list[int]] = defaultdict(list)
    for pk, limit in ServiceItem.objects.filter(department_id__in=department_ids).values_list(
            "pk", "promised_limit_days"):
        items_by_limit[limit].append(pk)
    heads: dict[int, list[User]] = defaultdict(list)
    for membership in (DepartmentMembership.objects.filter(department_id__in=department_ids, is_head=True)
                       .select_related("user").order_by("pk")):
        heads[membership.department_id].append(membership.user)
    steps = list(selectors.escalation_step_list(county=county, active_only=True))
    return _CountyPlan(county, config, department_ids, dict(items_by_limit), steps, heads)


def sweep_stage_count() -> int:
    """How many stages a sweep will run (for a progress bar): per county, expiry + two cards + its steps."""
    counties = Region.objects.filter(level=Region.Level.COUNTY).count()
    steps = EscalationStep.objects.filter(is_active=True).count()
    return counties * 3 + steps


def _running(department_ids: list[int]):
    return ServiceRequest.objects.filter(department_id__in=department_ids, status__in=CLOCK_RUNNING,
                                         paused_at__isnull=True)


def _card_candidates(plan: _CountyPlan, level: str, now: datetime, calendar) -> list[tuple]:
    """(id, department, status, due_at) of running requests that deserve `level` now and do not hold it:
    one indexed query."""
    lookup = "due_at__lte" if level == Card.YELLOW else "due_at__lt"
    bounds = {}
    for limit in {*plan.items_by_limit, APPEAL_LIMIT_DAYS}:
        b = card_bounds(now=now, limit_days=limit, thresholds=plan.thresholds, calendar=calendar)
        bounds[limit] = b.yellow_due_by if level == Card.YELLOW else b.red_due_before
    condition = Q(item__isnull=True, **{lookup: bounds[APPEAL_LIMIT_DAYS]})
    for limit, item_ids in plan.items_by_limit.items():
        condition |= Q(item_id__in=item_ids, **{lookup: bounds[limit]})
    held = SupervisionCard.objects.filter(request_id=OuterRef("pk"), level=level)
    candidates = (_running(plan.department_ids).filter(due_at__lte=max(bounds.values())).filter(condition)
                  .exclude(Exists(held)))
    return list(candidates.order_by("pk").values_list("pk", "department_id", "status", "due_at"))


def _issue_cards(sweep: SupervisionSweep, plan: _CountyPlan, level: str, now: datetime, calendar) -> int:
    action, issued_total = CARD_ACTIONS[level], 0
    note = str(Card(level).label)
    for rows in _chunks(_card_candidates(plan, level, now, calendar), BATCH_SIZE):
        with transaction.atomic():
            SupervisionCard.objects.bulk_create(
                [SupervisionCard(request_id=pk, level=level, department_id=dept, issued_at=now, sweep=sweep)
                 for pk, dept, _status, _due in rows], ignore_conflicts=True)
            mine = set(SupervisionCard.objects.filter(sweep=sweep, level=level,
                                                      request_id__in=[row[0] for row in rows])
                       .values_list("request_id", flat=True))
            RequestEvent.objects.bulk_create(
                [RequestEvent(request_id=pk, action=action, from_status=status, to_status=status, internal=True,
                              note=note, data={"card": level, "due_at": due.isoformat(), "sweep": sweep.pk})
                 for pk, _dept, status, due in rows if pk in mine])
        issued_total += len(mine)
    return issued_total


def _escalation_candidates(plan: _CountyPlan, step: EscalationStep, now: datetime, calendar) -> list[int]:
    """Ids of running requests that have held the step's card long enough and not taken the step."""
    bound = held_since_bound(now=now, days=step.after_days, calendar=calendar)
    cards = SupervisionCard.objects.filter(
        level=step.card, issued_at__lte=bound, request__department_id__in=plan.department_ids,
        request__status__in=CLOCK_RUNNING, request__paused_at__isnull=True,
    ).exclude(Exists(Escalation.objects.filter(request_id=OuterRef("request_id"), step=step)))
    if step.card == Card.YELLOW:  # a red card's steps speak for a request that already holds one
        cards = cards.exclude(Exists(SupervisionCard.objects.filter(request_id=OuterRef("request_id"),
                                                                    level=Card.RED)))
    return list(cards.order_by("request_id").values_list("request_id", flat=True))


def _recipients(step: EscalationStep, request: ServiceRequest, heads: list[User]) -> list[User]:
    """Who gets the step's text: the officer holding the request (its heads while nobody does), the
    department heads, or both."""
    wanted = step.notify
    people: list[User] = []
    if wanted in (EscalationStep.Notify.ASSIGNEE, EscalationStep.Notify.BOTH):
        people += [request.assignee] if request.assignee_id else heads
    if wanted in (EscalationStep.Notify.HEAD, EscalationStep.Notify.BOTH):
        people += heads
    return list({person.pk: person for person in people}.values())


def _notify(step: EscalationStep, request: ServiceRequest, heads: list[User]) -> None:
    recipients = _recipients(step, request, heads)
    if not recipients:
        return
    if step.task == EscalationStep.Task.NONE:
        notify_staff_of_card(service_request=request, card=step.card, recipients=recipients)
    else:
        notify_staff_of_escalation(service_request=request, step_label=step.label, recipients=recipients)


def _escalate(sweep: SupervisionSweep, plan: _CountyPlan, step: EscalationStep, now: datetime, calendar) -> int:
    size = BATCH_SIZE if step.notify == EscalationStep.Notify.NOBODY else NOTIFY_BATCH_SIZE
    status = Escalation.Status.NOTIFIED if step.task == EscalationStep.Task.NONE else Escalation.Status.OPEN
    issued_total = 0
    for batch in _chunks(_escalation_candidates(plan, step, now, calendar), size):
        with transaction.atomic():
            requests = list(_running(plan.department_ids).filter(pk__in=batch).select_related("item", "assignee")
                            .order_by("pk"))
            named = {r.pk: (plan.heads.get(r.department_id) or [None])[0] for r in requests}
            Escalation.objects.bulk_create(
                [Escalation(request=r, step=step, label=step.label, card=step.card, task=step.task,
                            department_id=r.department_id, responsible_id=r.assignee_id,
                            named_person=named[r.pk] if step.task == EscalationStep.Task.INTERVIEW else None,
                            issued_at=now, sweep=sweep, status=status) for r in requests], ignore_conflicts=True)
            mine = set(Escalation.objects.filter(sweep=sweep, step=step, request_id__in=batch)
                       .values_list("request_id", flat=True))
            issued = [r for r in requests if r.pk in mine]
            RequestEvent.objects.bulk_create([_escalation_event(r, step, named[r.pk], sweep) for r in issued])
            for request in issued:
                _notify(step, request, plan.heads.get(request.department_id, []))
        issued_total += len(issued)
    return issued_total


def _escalation_event(request: ServiceRequest, step: EscalationStep, head: User | None,
                      sweep: SupervisionSweep) -> RequestEvent:
    note = step.label
    if step.task == EscalationStep.Task.INTERVIEW and head is not None:
        note = _("%(step)s: department head %(name)s") % {"step": step.label, "name": head}
    return RequestEvent(request=request, action=Action.ESCALATE, from_status=request.status,
                        to_status=request.status, internal=True, note=note,
                        data={"step": step.pk, "card": step.card, "task": step.task, "sweep": sweep.pk,
                              "named_person": head.pk if head and step.task == EscalationStep.Task.INTERVIEW
                              else None})


def _expire_returned(plan: _CountyPlan, now: datetime, calendar) -> int:
    """Close requests left waiting for the resident's supplement for returned_close_days working days."""
    days = plan.config.returned_close_days
    bound = held_since_bound(now=now, days=days, calendar=calendar)
    to_status = transition(Status.RETURNED, Action.EXPIRE)
    stale = ServiceRequest.objects.filter(department_id__in=plan.department_ids, status=Status.RETURNED,
                                          paused_at__lte=bound)
    closed_total = 0
    for batch in _chunks(list(stale.order_by("pk").values_list("pk", flat=True)), BATCH_SIZE):
        with transaction.atomic():
            locked = list(stale.filter(pk__in=batch).select_for_update(skip_locked=True).order_by("pk")
                          .values_list("pk", "paused_at"))
            ServiceRequest.objects.filter(pk__in=[pk for pk, _paused in locked]).update(status=to_status)
            RequestEvent.objects.bulk_create([
                RequestEvent(request_id=pk, action=Action.EXPIRE, from_status=Status.RETURNED, to_status=to_status,
                             note=_("Closed automatically: the material asked for on %(date)s was not brought "
                                    "within %(days)s working days. Please file a new request.")
                             % {"date": local_date(paused).isoformat(), "days": days},
                             data={"paused_at": paused.isoformat(), "days": days})
                for pk, paused in locked])
        closed_total += len(locked)
    return closed_total


def supervision_sweep_run(*, now: datetime | None = None, trigger: str = SupervisionSweep.Trigger.COMMAND,
                          on_stage: Callable[[str], None] | None = None) -> SupervisionSweep:
    """Walk every county's open requests once for the moment `now` (default: now): close stale returned
    requests, issue yellow then red cards, then take every active escalation step that is due.

    Returns the sweep with its counts. Safe to run again or concurrently: nothing is issued twice.
    `on_stage(label)` is called after each stage (the command's progress bar).
    """
    now = now or timezone.now()
    calendar = work_calendar()
    sweep = SupervisionSweep.objects.create(at=now, trigger=trigger)
    counts: dict = {"expired": 0, Card.YELLOW.value: 0, Card.RED.value: 0, "escalations": 0, "steps": {}}
    stage = on_stage or (lambda label: None)
    with translation.override(django_settings.LANGUAGE_CODE):
        for county in Region.objects.filter(level=Region.Level.COUNTY).order_by("path"):
            plan = _plan(county)
            counts["expired"] += _expire_returned(plan, now, calendar)
            stage(f"{county.name}: {_('returned requests')}")
            for level in (Card.YELLOW, Card.RED):
                counts[level.value] += _issue_cards(sweep, plan, level, now, calendar)
                stage(f"{county.name}: {level.label}")
            for step in plan.steps:
                n = _escalate(sweep, plan, step, now, calendar)
                counts["escalations"] += n
                counts["steps"][str(step.pk)] = n
                stage(f"{county.name}: {step.label}")
    sweep.counts, sweep.finished_at = counts, timezone.now()
    sweep.save(update_fields=["counts", "finished_at"])
    return sweep
