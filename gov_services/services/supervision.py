"""Writes of supervision: the sweep that issues cards, escalates and closes stale returned requests;
the outcome staff record on an escalation; a county's settings and escalation steps.

The sweep is set-based and swept region by region (a county, or a city with departments of its own):
`supervision_sweep_open` records the sweep, `supervision_sweep_region_run` sweeps one region — in turn
in this process (`supervision_sweep_run`: the command, the demo) or one Celery task per region in
parallel (the beat's task). For each region it asks the database, with one indexed query per card
level and per step, for the requests that need something *now*, and only those ever reach Python; on
PostgreSQL one INSERT … SELECT … ON CONFLICT per level and step writes the rows and their RequestEvents.

A region's cards, escalations, events, texts and counts are one transaction. The texts are one per
person per region and sweep: the officer or head concerned by several new cards and escalations gets a
digest counting them with a link to the department queue (one request: the text about it), queued in
the outbox with bulk INSERTs and sent after commit by one Celery task per batch (core.sms).

A late approval step (a step card, on the step's own limit) takes the county's escalation chain like a late
request: each link, after its working days on the step's card, once per approval step.

Idempotency: the unique keys (request, level), (request, step) and (request step, step) let only one sweep
insert a row; each
row carries its sweep's id, so a sweep knows which rows are its own and writes events and texts for
those alone. A second run at the same moment — or a concurrent one — issues nothing new and texts
nobody. Stale returned requests are closed under row locks taken with SKIP LOCKED, so two sweeps never
close the same request twice.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.audit import audit_event_record
from core.sms import OutgoingSms, sms_enqueue_many
from core.timeutil import local_date
from gov_services.channels.services import webhook_status_changes_enqueue
from gov_services.models import (
    Card,
    Department,
    DepartmentMembership,
    Escalation,
    EscalationStep,
    FollowUp,
    FollowUpCallback,
    Rating,
    RatingAppeal,
    RequestEvent,
    RequestStep,
    ServiceItem,
    ServiceRequest,
    StepKind,
    SupervisionCard,
    SupervisionSettings,
    SupervisionSweep,
)
from gov_services.notifications import (
    CARD_RED,
    CARD_YELLOW,
    DIGEST,
    ESCALATION,
    digest_params,
    message_params,
    notify_followers_of_status,
)
from gov_services.selectors import supervision as selectors
from gov_services.selectors.calendar import work_calendar
from gov_services.services.requests.figures import request_figures_changed
from gov_services.supervision import Thresholds, card_bounds, held_since_bound
from gov_services.workflow import APPEAL_LIMIT_DAYS, CLOCK_RUNNING, Action, transition
from stations.models import Region
from stations.scope import require, scope_for

Status = ServiceRequest.Status
BATCH_SIZE = 2000
CARD_ACTIONS = {Card.YELLOW: Action.CARD_YELLOW, Card.RED: Action.CARD_RED}
CARD_PURPOSES = {Card.YELLOW: CARD_YELLOW, Card.RED: CARD_RED}
ESCALATION_PURPOSE = ESCALATION
logger = logging.getLogger("cunzhan.supervision")

# The chain a county starts with (Laoting practice; the days are assumptions the county can change).
DEFAULT_STEPS = (
    {"label": "黄牌提醒经办人", "card": Card.YELLOW, "after_days": 0, "notify": EscalationStep.Notify.ASSIGNEE,
     "task": EscalationStep.Task.NONE},
    {"label": "红牌督办电话", "card": Card.RED, "after_days": 0, "notify": EscalationStep.Notify.HEAD,
     "task": EscalationStep.Task.CALL},
    {"label": "移交组织部约谈", "card": Card.RED, "after_days": 3, "notify": EscalationStep.Notify.HEAD,
     "task": EscalationStep.Task.INTERVIEW},
)

_OUTSIDE_REGION = gettext_lazy("This request lies outside your region.")


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


# --- Acting on an escalation -------------------------------------------------------------------------

@transaction.atomic
def escalation_record_outcome(*, escalation: Escalation, actor: User, call_made: bool, outcome: str) -> Escalation:
    """The supervision office records the call made (or the referral held) and its outcome; the task is
    done. A second submit is refused, naming who recorded it first."""
    if not selectors.can_manage_supervision(user=actor):
        raise PermissionDenied(_("Only the county supervision office records the outcome."))
    require(scope_for(actor).can_supervise_request(escalation.request), _OUTSIDE_REGION)
    # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to handled_by
    escalation = (Escalation.objects.select_for_update(of=("self",)).select_related("handled_by")
                  .get(pk=escalation.pk))
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


# --- Following up a dissatisfied rating (回访) ---------------------------------------------------------

@transaction.atomic
def follow_up_record_callback(*, follow_up: FollowUp, actor: User, submission, result: str, outcome: str,
                              called_at: datetime | None = None) -> FollowUpCallback:
    """Record a call back to the resident. RESOLVED closes the follow-up; REOPENED (the department must
    act again) and NOT_REACHED leave it open for another call. Each leaves a RequestEvent and an audit event.

    `submission` is the form's one-time key: submitting the same form twice returns the first callback
    and records nothing more. A callback on a follow-up already closed is refused, naming who closed it.
    """
    selectors.require_supervision_viewer(user=actor)
    require(scope_for(actor).can_supervise_request(follow_up.request), _OUTSIDE_REGION)
    follow_up = FollowUp.objects.select_for_update(of=("self",)).select_related("request").get(pk=follow_up.pk)
    earlier = FollowUpCallback.objects.filter(submission=submission).first()
    if earlier is not None:
        if earlier.follow_up_id != follow_up.pk:
            raise ValidationError(_("This form was already used for another follow-up."), code="reused")
        return earlier
    if follow_up.status != FollowUp.Status.OPEN:
        last = follow_up.callbacks.select_related("recorded_by").order_by("-pk").first()
        raise ValidationError(
            _("This follow-up was already closed by %(name)s on %(date)s.") % {
                "name": last.recorded_by if last else "—",
                "date": timezone.localtime(follow_up.closed_at).strftime("%Y-%m-%d %H:%M")
                if follow_up.closed_at else "—"},
            code="already_closed")
    if result not in FollowUpCallback.Result.values:
        raise ValidationError({"result": _("Choose the result of the call.")})
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Write down what the resident said and what was agreed.")})
    now = timezone.now()
    callback = FollowUpCallback.objects.create(follow_up=follow_up, called_at=called_at or now, result=result,
                                               outcome=outcome, recorded_by=actor, submission=submission)
    if result == FollowUpCallback.Result.RESOLVED:
        follow_up.status, follow_up.closed_at, follow_up.outcome = FollowUp.Status.DONE, now, outcome
        follow_up.save(update_fields=["status", "closed_at", "outcome"])
    request = follow_up.request
    RequestEvent.objects.create(
        request=request, actor=actor, action=Action.NOTE, from_status=request.status, to_status=request.status,
        internal=True, note=f"{callback.get_result_display()}: {outcome}",
        data={"follow_up": follow_up.pk, "callback": callback.pk, "result": result})
    audit_event_record(actor=actor, action="follow_up.callback_recorded", target=follow_up,
                       data={"callback": callback.pk, "result": result, "outcome": outcome,
                             "status": follow_up.status})
    return callback


# --- Appeals of ratings (申诉) -------------------------------------------------------------------------

def _refuse(refusal) -> None:
    if refusal is not None:
        raise ValidationError(refusal.message, code=refusal.code)


@transaction.atomic
def rating_appeal_submit(*, rating: Rating, actor: User, submission, reason: str) -> RatingAppeal:
    """The department (any of its officers, or its head) appeals a dissatisfied rating it finds unfair,
    once. The county decides. `submission` is the form's one-time key: a double submit appeals once."""
    rating = Rating.objects.select_for_update(of=("self",)).select_related("request__department").get(pk=rating.pk)
    request = rating.request
    require(scope_for(actor).works_in(request.department_id),
            _("Only officers of %(department)s may appeal this rating.") % {"department": request.department.name})
    earlier = RatingAppeal.objects.filter(submission=submission).first()
    if earlier is not None:
        if earlier.rating_id != rating.pk:
            raise ValidationError(_("This form was already used for another appeal."), code="reused")
        return earlier
    _refuse(selectors.appeal_refusal(rating=rating))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the rating is unfair.")})
    appeal = RatingAppeal.objects.create(rating=rating, department=request.department, score=rating.score,
                                         reason=reason, appealed_by=actor, submission=submission)
    # Internal: the resident is not told that the department disputes their rating.
    RequestEvent.objects.create(
        request=request, actor=actor, action=Action.RATING_APPEAL, from_status=request.status,
        to_status=request.status, internal=True, note=reason, data={"appeal": appeal.pk, "score": rating.score})
    audit_event_record(actor=actor, action="rating.appeal_submitted", target=appeal,
                       data={"rating": rating.pk, "score": rating.score, "reason": reason})
    return appeal


@transaction.atomic
def rating_appeal_decide(*, appeal: RatingAppeal, actor: User, upheld: bool, note: str) -> RatingAppeal:
    """The county (its admins, within their county) upholds the appeal — the rating is set aside and no
    longer counts in the satisfaction rate — or rejects it. Decided once; a second decision is refused,
    naming who decided."""
    if not selectors.can_manage_supervision(user=actor):
        raise PermissionDenied(_("Only the county decides appeals of ratings."))
    require(scope_for(actor).can_supervise_request(appeal.rating.request), _OUTSIDE_REGION)
    appeal = (RatingAppeal.objects.select_for_update(of=("self",)).select_related("decided_by", "rating__request")
              .get(pk=appeal.pk))
    if appeal.status != RatingAppeal.Status.PENDING:
        raise ValidationError(
            _("This appeal was already decided by %(name)s on %(date)s.") % {
                "name": appeal.decided_by or "—",
                "date": timezone.localtime(appeal.decided_at).strftime("%Y-%m-%d %H:%M")
                if appeal.decided_at else "—"},
            code="already_decided")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write down the reasons for the decision.")})
    now = timezone.now()
    appeal.status = RatingAppeal.Status.UPHELD if upheld else RatingAppeal.Status.REJECTED
    appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, note
    appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    rating = appeal.rating
    if upheld:
        rating.set_aside = True
        rating.save(update_fields=["set_aside"])
        request_figures_changed(request_ids=[rating.request_id])  # no longer counts in the rollups
    request = rating.request
    RequestEvent.objects.create(
        request=request, actor=actor, action=Action.RATING_APPEAL_DECIDED, from_status=request.status,
        to_status=request.status, internal=True, note=f"{appeal.get_status_display()}: {note}",
        data={"appeal": appeal.pk, "status": appeal.status})
    audit_event_record(actor=actor, action="rating.appeal_decided", target=appeal,
                       data={"status": appeal.status, "note": note, "rating": rating.pk,
                             "set_aside": rating.set_aside})
    return appeal


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


def _supervised_regions() -> list[Region]:
    """Every county (its own and its townships' departments), and every city with departments of its own
    (市直部门): no county's sweep covers those, and a city-level request must not sit unseen either."""
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).order_by("path"))
    cities = list(Region.objects.filter(level=Region.Level.CITY, departments__isnull=False).distinct()
                  .order_by("path"))
    return cities + counties


def _plan(county: Region) -> _CountyPlan:
    """What a sweep needs for one county — or one city, whose own departments get its settings and chain."""
    config = supervision_settings_ensure(county=county)
    departments = (Department.objects.filter(region=county) if county.level == Region.Level.CITY
                   else Department.objects.filter(region__path__startswith=county.path))
    department_ids = list(departments.values_list("pk", flat=True))
    items_by_limit: dict[int, list[int]] = defaultdict(list)
    for pk, limit in ServiceItem.objects.filter(department_id__in=department_ids).values_list(
            "pk", "promised_limit_days"):
        items_by_limit[limit].append(pk)
    heads: dict[int, list[User]] = defaultdict(list)
    for membership in (DepartmentMembership.objects.active().filter(department_id__in=department_ids, is_head=True)
                       .select_related("user").order_by("pk")):
        heads[membership.department_id].append(membership.user)
    steps = list(selectors.escalation_step_list(county=county, active_only=True))
    return _CountyPlan(county, config, department_ids, dict(items_by_limit), steps, heads)


def sweep_stage_count() -> int:
    """How many stages a sweep will run (for a progress bar): per county (or city), expiry + two cards + the
    step cards + its escalation steps."""
    steps = EscalationStep.objects.filter(is_active=True).count()
    return len(_supervised_regions()) * 4 + steps


def _running(department_ids: list[int]):
    return ServiceRequest.objects.filter(department_id__in=department_ids, status__in=CLOCK_RUNNING,
                                         paused_at__isnull=True)


def _card_candidates_qs(plan: _CountyPlan, level: str, now: datetime, calendar):
    """Running requests that deserve `level` now and do not hold it: one indexed query."""
    lookup = "due_at__lte" if level == Card.YELLOW else "due_at__lt"
    bounds = {}
    for limit in {*plan.items_by_limit, APPEAL_LIMIT_DAYS}:
        b = card_bounds(now=now, limit_days=limit, thresholds=plan.thresholds, calendar=calendar)
        bounds[limit] = b.yellow_due_by if level == Card.YELLOW else b.red_due_before
    condition = Q(item__isnull=True, **{lookup: bounds[APPEAL_LIMIT_DAYS]})
    for limit, item_ids in plan.items_by_limit.items():
        condition |= Q(item_id__in=item_ids, **{lookup: bounds[limit]})
    held = SupervisionCard.objects.filter(request_id=OuterRef("pk"), level=level)
    return (_running(plan.department_ids).filter(due_at__lte=max(bounds.values())).filter(condition)
            .exclude(Exists(held)))


def _set_based() -> bool:
    """PostgreSQL writes cards, escalations and their events with INSERT … SELECT … ON CONFLICT; the
    portable path (SQLite, the tests' default) reads the due rows into Python and bulk-inserts them.
    Both issue exactly the same rows."""
    return connection.vendor == "postgresql"


def _issue_cards(sweep: SupervisionSweep, plan: _CountyPlan, level: str, now: datetime, calendar) -> int:
    candidates = _card_candidates_qs(plan, level, now, calendar)
    if _set_based():
        return _issue_cards_sql(sweep, level, now, candidates)
    action, issued_total = CARD_ACTIONS[level], 0
    note = str(Card(level).label)
    rows_due = list(candidates.order_by("pk").values_list("pk", "department_id", "status", "due_at"))
    for rows in _chunks(rows_due, BATCH_SIZE):
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


def _sql_of(queryset) -> tuple[str, tuple]:
    """A queryset's SELECT as SQL and parameters, to be embedded in a hand-written statement."""
    return queryset.order_by().query.sql_with_params()


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# datetime.isoformat() of an aware UTC datetime, in SQL: the event data is the same on both paths.
_ISO_UTC = ("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
            "extract(microseconds FROM {col})::bigint %% 1000000 = 0 THEN '' "
            "ELSE to_char({col} AT TIME ZONE 'UTC', '.US') END || '+00:00'")


def _issue_cards_sql(sweep: SupervisionSweep, level: str, now: datetime, candidates) -> int:
    """One statement: the due rows, their cards (ON CONFLICT DO NOTHING against (request, level): a
    concurrent sweep's card wins and this one writes nothing for it) and one RequestEvent per card this
    statement inserted (RETURNING), all written by the database.

    The events read status and deadline from the request row by primary key (an index lookup) rather
    than joining back to the `due` CTE, whose size the planner cannot estimate."""
    due_sql, due_params = _sql_of(candidates.values_list("pk", "department_id", "status", "due_at"))
    sql = f"""
        WITH due (id, department_id, status, due_at) AS ({due_sql}),
        ins AS (
            INSERT INTO {_table(SupervisionCard)} (request_id, level, department_id, issued_at, sweep_id)
            SELECT id, %s, department_id, %s, %s FROM due ORDER BY id
            ON CONFLICT (request_id, level) DO NOTHING
            RETURNING request_id
        )
        INSERT INTO {_table(RequestEvent)} (request_id, at, actor_id, action, from_status, to_status, note,
                                            internal, data)
        SELECT r.id, %s, NULL, %s, r.status, r.status, %s, TRUE,
               jsonb_build_object('card', %s::text, 'due_at', {_ISO_UTC.format(col="r.due_at")},
                                  'sweep', %s::bigint)
        FROM ins JOIN {_table(ServiceRequest)} r ON r.id = ins.request_id"""
    params = (*due_params, level, now, sweep.pk,
              timezone.now(), CARD_ACTIONS[level].value, str(Card(level).label), level, sweep.pk)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# --- Cards per step: each running step on its own limit (the request's overall card is issued above) ----

STEP_RUNNING_STATUSES = frozenset({Status.SUBMITTED, *CLOCK_RUNNING})


def _issue_step_cards(sweep: SupervisionSweep, plan: _CountyPlan, now: datetime, calendar,
                      notices: _Notices) -> dict[str, int]:
    """Yellow, then red, cards on running steps (the request's current step, its clock not paused), by the
    county's thresholds applied to the step's own limit. A step holds each card once (its `card` only moves
    up); rows are taken with SKIP LOCKED so two sweeps never card one step twice. A yellow step card texts
    the officer holding the request, a red one the officer and the department heads (the sweep's digest)."""
    running = RequestStep.objects.filter(
        request__department_id__in=plan.department_ids, request__status__in=STEP_RUNNING_STATUSES,
        request__paused_at__isnull=True, started_at__isnull=False, done_at__isnull=True, due_at__isnull=False)
    counts = {Card.YELLOW.value: 0, Card.RED.value: 0}
    for level in (Card.YELLOW, Card.RED):
        lookup = "due_at__lte" if level == Card.YELLOW else "due_at__lt"
        held = ["red"] if level == Card.RED else ["yellow", "red"]
        condition = Q(pk__in=[])
        for limit in set(running.values_list("limit_days", flat=True)):
            bounds = card_bounds(now=now, limit_days=limit, thresholds=plan.thresholds, calendar=calendar)
            bound = bounds.yellow_due_by if level == Card.YELLOW else bounds.red_due_before
            condition |= Q(limit_days=limit, **{lookup: bound})
        due = list(running.filter(condition).exclude(card__in=held).select_for_update(skip_locked=True, of=("self",))
                   .order_by("pk").values_list("pk", "request_id", "kind", "request__department_id",
                                               "request__assignee_id", "request__status", "due_at"))
        if not due:
            continue
        RequestStep.objects.filter(pk__in=[row[0] for row in due]).update(card=level.value, card_at=now)
        RequestEvent.objects.bulk_create([
            RequestEvent(request_id=request_id, action=CARD_ACTIONS[level], from_status=status, to_status=status,
                         internal=True, note=f"{StepKind(kind).label}: {Card(level).label}",
                         data={"card": level.value, "step": kind, "due_at": due_at.isoformat(), "sweep": sweep.pk})
            for _pk, request_id, kind, _dept, _assignee, status, due_at in due])
        for kind in {row[2] for row in due}:
            rule = EscalationStep(label=_("%(step)s step overdue") % {"step": StepKind(kind).label}
                                  if level == Card.RED else _("%(step)s step due soon") % {"step": StepKind(kind).label},
                                  card=level.value, task=EscalationStep.Task.NONE,
                                  notify=EscalationStep.Notify.BOTH if level == Card.RED
                                  else EscalationStep.Notify.ASSIGNEE)
            notices.add(rule, [(request_id, dept, assignee) for _pk, request_id, k, dept, assignee, _s, _d in due
                               if k == kind])
        counts[level.value] = len(due)
    return counts


def _escalation_candidates_qs(plan: _CountyPlan, step: EscalationStep, now: datetime, calendar):
    """Cards of running requests that have been held long enough for the step, which they have not taken."""
    bound = held_since_bound(now=now, days=step.after_days, calendar=calendar)
    cards = SupervisionCard.objects.filter(
        level=step.card, issued_at__lte=bound, request__department_id__in=plan.department_ids,
        request__status__in=CLOCK_RUNNING, request__paused_at__isnull=True,
    ).exclude(Exists(Escalation.objects.filter(request_id=OuterRef("request_id"), step=step,
                                               request_step__isnull=True)))
    if step.card == Card.YELLOW:  # a red card's steps speak for a request that already holds one
        cards = cards.exclude(Exists(SupervisionCard.objects.filter(request_id=OuterRef("request_id"),
                                                                    level=Card.RED)))
    return cards


class _Notices:
    """Who is to be told what by this county's sweep: user id → purpose (yellow card, red card,
    escalation) → {request id: step label}. Filled step by step from the escalations the sweep itself
    inserted, so a second sweep at the same moment, which inserts none, tells nobody anything."""

    def __init__(self, plan: _CountyPlan) -> None:
        self.plan = plan
        self.by_user: dict[int, dict[str, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))

    def add(self, step: EscalationStep, issued: Sequence[tuple[int, int, int | None]]) -> None:
        """`issued`: (request id, department id, officer handling it) of each escalation the step took.
        The officer is told (the department heads while nobody holds the request), the heads, or both."""
        if step.notify == EscalationStep.Notify.NOBODY:
            return
        purpose = CARD_PURPOSES[step.card] if step.task == EscalationStep.Task.NONE else ESCALATION_PURPOSE
        to_officer = step.notify in (EscalationStep.Notify.ASSIGNEE, EscalationStep.Notify.BOTH)
        to_heads = step.notify in (EscalationStep.Notify.HEAD, EscalationStep.Notify.BOTH)
        label = str(step.label)
        for request_id, department_id, responsible_id in issued:
            heads = [head.pk for head in self.plan.heads.get(department_id, [])]
            people = set(heads) if to_heads else set()
            if to_officer:
                people.update([responsible_id] if responsible_id else heads)
            for person in people:
                self.by_user[person][purpose].setdefault(request_id, label)

    def messages(self, sweep: SupervisionSweep) -> list[OutgoingSms]:
        """One text per person with a phone: about the request itself when there is one, else a digest
        counting them by purpose, linking to the department's queue."""
        if not self.by_user:
            return []
        phones = {pk: phone.strip() for pk, phone in User.objects.filter(pk__in=list(self.by_user))
                  .exclude(phone="").values_list("pk", "phone") if phone.strip()}
        singles: dict[int, tuple[str, str, str]] = {}  # user → (purpose, request id, step label)
        messages = []
        reference = f"S{sweep.pk}-{self.plan.county.pk}"
        for person, by_purpose in self.by_user.items():
            if person not in phones:
                continue
            if sum(len(requests) for requests in by_purpose.values()) == 1:
                [(purpose, requests)] = [(p, r) for p, r in by_purpose.items() if r]
                [(request_id, label)] = requests.items()
                singles[person] = (purpose, request_id, label)
                continue
            try:
                params = digest_params({purpose: len(requests) for purpose, requests in by_purpose.items()})
            except Exception:
                logger.exception("The supervision digest for user %s could not be rendered", person)
                continue
            messages.append(OutgoingSms(phone=phones[person], purpose=DIGEST, params=params, reference=reference,
                                        region_path=self.plan.county.path))
        requests = ServiceRequest.objects.select_related("item").in_bulk({r for _p, r, _l in singles.values()})
        for person, (purpose, request_id, label) in singles.items():
            request = requests[request_id]
            try:
                params = message_params(purpose, request, step=label)
            except Exception:
                logger.exception("SMS %s for request %s could not be rendered", purpose, request_id)
                continue
            messages.append(OutgoingSms(phone=phones[person], purpose=purpose, params=params,
                                        reference=request.tracking_code, region_path=request.place_path))
        return messages


def _heads_named(plan: _CountyPlan, step: EscalationStep) -> dict[int, User]:
    """department id → the head an interview step names (the first head); empty for other steps."""
    if step.task != EscalationStep.Task.INTERVIEW:
        return {}
    return {dept: heads[0] for dept, heads in plan.heads.items() if heads}


def _escalation_note(step: EscalationStep, head: User | None) -> str:
    if step.task == EscalationStep.Task.INTERVIEW and head is not None:
        return _("%(step)s: department head %(name)s") % {"step": step.label, "name": head}
    return step.label


def _escalation_status(step: EscalationStep) -> str:
    return Escalation.Status.NOTIFIED if step.task == EscalationStep.Task.NONE else Escalation.Status.OPEN


def _escalate(sweep: SupervisionSweep, plan: _CountyPlan, step: EscalationStep, now: datetime,
              calendar) -> list[tuple[int, int, int | None]]:
    """Take the step for every request due it; (request id, department id, officer) of each one taken."""
    candidates = _escalation_candidates_qs(plan, step, now, calendar)
    if _set_based():
        return _escalate_sql(sweep, plan, step, now, candidates)
    named = _heads_named(plan, step)
    issued_all: list[tuple[int, int, int | None]] = []
    for batch in _chunks(list(candidates.order_by("request_id").values_list("request_id", flat=True)), BATCH_SIZE):
        with transaction.atomic():
            requests = list(_running(plan.department_ids).filter(pk__in=batch).order_by("pk")
                            .only("pk", "department_id", "assignee_id", "status"))
            Escalation.objects.bulk_create(
                [Escalation(request=r, step=step, label=step.label, card=step.card, task=step.task,
                            department_id=r.department_id, responsible_id=r.assignee_id,
                            named_person=named.get(r.department_id), issued_at=now, sweep=sweep,
                            status=_escalation_status(step)) for r in requests], ignore_conflicts=True)
            mine = set(Escalation.objects.filter(sweep=sweep, step=step, request_id__in=batch,
                                                 request_step__isnull=True)
                       .values_list("request_id", flat=True))
            issued = [r for r in requests if r.pk in mine]
            RequestEvent.objects.bulk_create(
                [_escalation_event(r, step, named.get(r.department_id), sweep) for r in issued])
        issued_all += [(r.pk, r.department_id, r.assignee_id) for r in issued]
    return issued_all


def _late_step_candidates_qs(plan: _CountyPlan, step: EscalationStep, now: datetime, calendar):
    """Running approval steps that have held the chain step's card long enough and have not taken it: the
    request-level rule applied to each step's own card (a yellow-card link is skipped once the step is red)."""
    bound = held_since_bound(now=now, days=step.after_days, calendar=calendar)
    return RequestStep.objects.filter(
        request__department_id__in=plan.department_ids, request__status__in=STEP_RUNNING_STATUSES,
        request__paused_at__isnull=True, done_at__isnull=True, card=step.card, card_at__lte=bound,
    ).exclude(Exists(Escalation.objects.filter(request_step_id=OuterRef("pk"), step=step)))


def _escalate_late_steps(sweep: SupervisionSweep, plan: _CountyPlan, step: EscalationStep, now: datetime,
                         calendar) -> list[tuple[int, int, int | None]]:
    """Take the chain step for every late approval step due it (once per approval step: the unique key
    (request step, step) lets one sweep only insert it); (request id, department id, officer) of each taken."""
    named = _heads_named(plan, step)
    due = list(_late_step_candidates_qs(plan, step, now, calendar).select_related("request").order_by("pk"))
    issued_all: list[tuple[int, int, int | None]] = []
    for batch in _chunks(due, BATCH_SIZE):
        with transaction.atomic():
            Escalation.objects.bulk_create(
                [Escalation(request=s.request, request_step=s, step=step, label=_late_step_label(s, step.label)[:60],
                            card=step.card, task=step.task, department_id=s.request.department_id,
                            responsible_id=s.request.assignee_id, named_person=named.get(s.request.department_id),
                            issued_at=now, sweep=sweep, status=_escalation_status(step)) for s in batch],
                ignore_conflicts=True)
            mine = set(Escalation.objects.filter(sweep=sweep, step=step, request_step__in=batch)
                       .values_list("request_step_id", flat=True))
            taken = [s for s in batch if s.pk in mine]
            events = []
            for late in taken:
                event = _escalation_event(late.request, step, named.get(late.request.department_id), sweep)
                event.note = _late_step_label(late, event.note)
                event.data |= {"request_step": late.pk, "step_kind": late.kind}
                events.append(event)
            RequestEvent.objects.bulk_create(events)
        issued_all += [(s.request_id, s.request.department_id, s.request.assignee_id) for s in taken]
    return issued_all


def _late_step_label(request_step: RequestStep, text: str) -> str:
    """The chain step's words prefixed with the approval step they concern (审查: 超期督办)."""
    return f"{StepKind(request_step.kind).label}: {text}"


def _escalate_sql(sweep: SupervisionSweep, plan: _CountyPlan, step: EscalationStep, now: datetime,
                  candidates) -> list[tuple[int, int, int | None]]:
    """One statement per step: the due requests, their escalations (ON CONFLICT DO NOTHING against
    (request, step)) and a RequestEvent for each escalation inserted; it returns (request, department,
    officer) of each escalation inserted. The head an interview names, and the note naming them, come in as a JSON map
    per department (a county has tens of departments, not millions)."""
    named = _heads_named(plan, step)
    heads_json = json.dumps({str(dept): head.pk for dept, head in named.items()})
    notes_json = json.dumps({str(dept): _escalation_note(step, head) for dept, head in named.items()},
                            ensure_ascii=False)
    due_sql, due_params = _sql_of(candidates.values_list("request_id", "request__department_id",
                                                         "request__assignee_id", "request__status"))
    sql = f"""
        WITH due (id, department_id, assignee_id, status) AS ({due_sql}),
        ins AS (
            INSERT INTO {_table(Escalation)} (request_id, step_id, label, card, task, department_id,
                                              responsible_id, named_person_id, issued_at, sweep_id, status,
                                              outcome)
            SELECT id, %s, %s, %s, %s, department_id, assignee_id,
                   (%s::jsonb ->> department_id::text)::bigint, %s, %s, %s, ''
            FROM due ORDER BY id
            ON CONFLICT (request_id, step_id) WHERE request_step_id IS NULL DO NOTHING
            RETURNING request_id, department_id, responsible_id, named_person_id
        ),
        ev AS (
            INSERT INTO {_table(RequestEvent)} (request_id, at, actor_id, action, from_status, to_status, note,
                                                internal, data)
            SELECT r.id, %s, NULL, %s, r.status, r.status,
                   COALESCE(%s::jsonb ->> ins.department_id::text, %s), TRUE,
                   jsonb_build_object('step', %s::bigint, 'card', %s::text, 'task', %s::text,
                                      'sweep', %s::bigint, 'named_person', ins.named_person_id)
            FROM ins JOIN {_table(ServiceRequest)} r ON r.id = ins.request_id
            RETURNING request_id
        )
        SELECT ins.request_id, ins.department_id, ins.responsible_id FROM ins ORDER BY ins.request_id"""
    params = (*due_params,
              step.pk, step.label, step.card, step.task, heads_json, now, sweep.pk, _escalation_status(step),
              timezone.now(), Action.ESCALATE.value, notes_json, step.label,
              step.pk, step.card, step.task, sweep.pk)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _escalation_event(request: ServiceRequest, step: EscalationStep, head: User | None,
                      sweep: SupervisionSweep) -> RequestEvent:
    named = head.pk if head and step.task == EscalationStep.Task.INTERVIEW else None
    return RequestEvent(request=request, action=Action.ESCALATE, from_status=request.status,
                        to_status=request.status, internal=True, note=_escalation_note(step, head),
                        data={"step": step.pk, "card": step.card, "task": step.task, "sweep": sweep.pk,
                              "named_person": named})


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
            expired = RequestEvent.objects.bulk_create([
                RequestEvent(request_id=pk, action=Action.EXPIRE, from_status=Status.RETURNED, to_status=to_status,
                             note=_("Closed automatically: the material asked for on %(date)s was not brought "
                                    "within %(days)s working days. Please file a new request.")
                             % {"date": local_date(paused).isoformat(), "days": days},
                             data={"paused_at": paused.isoformat(), "days": days})
                for pk, paused in locked])
            webhook_status_changes_enqueue(events=expired)  # channels that filed them hear of it
            # The followers of residents' reports are told, as on any status change (none for most requests).
            for followed in ServiceRequest.objects.filter(pk__in=[pk for pk, _paused in locked],
                                                          followers__isnull=False).distinct():
                notify_followers_of_status(service_request=followed, to_status=to_status)
        closed_total += len(locked)
    return closed_total


def _empty_counts(region_ids: list[int]) -> dict:
    return {"expired": 0, Card.YELLOW.value: 0, Card.RED.value: 0, "escalations": 0, "texts": 0, "steps": {},
            "regions": region_ids, "regions_done": []}


def supervision_sweep_open(*, now: datetime | None = None,
                           trigger: str = SupervisionSweep.Trigger.COMMAND) -> SupervisionSweep:
    """Record a sweep for the moment `now` (default: now) over every county (and city with departments
    of its own); each is then swept by supervision_sweep_region_run, in turn or in parallel."""
    region_ids = [region.pk for region in _supervised_regions()]
    return SupervisionSweep.objects.create(at=now or timezone.now(), trigger=trigger,
                                           counts=_empty_counts(region_ids),
                                           finished_at=None if region_ids else timezone.now())


def _merge_counts(sweep: SupervisionSweep, region: Region, counts: dict) -> SupervisionSweep:
    """Add one region's counts to the sweep's (row-locked: regions finish in parallel); the last region
    to finish stamps the sweep finished."""
    locked = SupervisionSweep.objects.select_for_update().get(pk=sweep.pk)
    total = locked.counts or _empty_counts([region.pk])
    for name in ("expired", Card.YELLOW.value, Card.RED.value, "escalations", "texts"):
        total[name] = total.get(name, 0) + counts[name]
    total.setdefault("steps", {}).update(counts["steps"])
    if any(counts.get("step_cards", {}).values()):
        step_cards = total.setdefault("step_cards", {})
        for level, issued in counts["step_cards"].items():
            step_cards[level] = step_cards.get(level, 0) + issued
    done = total.setdefault("regions_done", [])
    if region.pk not in done:
        done.append(region.pk)
    locked.counts = total
    if set(total.get("regions", [])) <= set(done):
        locked.finished_at = timezone.now()
    locked.save(update_fields=["counts", "finished_at"])
    return locked


def supervision_sweep_region_run(*, sweep: SupervisionSweep, region: Region,
                                 on_stage: Callable[[str], None] | None = None) -> dict:
    """Sweep one county (or city) for the sweep's moment: close stale returned requests, issue yellow
    then red cards, take every active escalation step that is due, and text each person concerned once.

    Cards, escalations, their events, the texts and the sweep's counts are one transaction: a sweep that
    fails half-way issued nothing, and the next one issues it all with its texts. Idempotent: run again
    for the same moment (a redelivered task, a second sweep, a concurrent one) it issues nothing new and
    texts nobody. Returns this region's counts."""
    now = sweep.at
    stage = on_stage or (lambda label: None)
    counts: dict = {"expired": 0, Card.YELLOW.value: 0, Card.RED.value: 0, "escalations": 0, "texts": 0,
                    "steps": {}}
    calendar = work_calendar()
    with translation.override(django_settings.LANGUAGE_CODE):
        plan = _plan(region)
        counts["expired"] = _expire_returned(plan, now, calendar)
        stage(f"{region.name}: {_('returned requests')}")
        with transaction.atomic():
            for level in (Card.YELLOW, Card.RED):
                counts[level.value] = _issue_cards(sweep, plan, level, now, calendar)
                stage(f"{region.name}: {level.label}")
            notices = _Notices(plan)
            step_cards = _issue_step_cards(sweep, plan, now, calendar, notices)
            counts["step_cards"] = step_cards
            stage(f"{region.name}: {_('step cards')}")
            for step in plan.steps:
                issued = (_escalate(sweep, plan, step, now, calendar)
                          + _escalate_late_steps(sweep, plan, step, now, calendar))
                notices.add(step, issued)
                counts["escalations"] += len(issued)
                counts["steps"][str(step.pk)] = len(issued)
                stage(f"{region.name}: {step.label}")
            counts["texts"] = sms_enqueue_many(notices.messages(sweep))
            _merge_counts(sweep, region, counts)
    return counts


def supervision_sweep_run(*, now: datetime | None = None, trigger: str = SupervisionSweep.Trigger.COMMAND,
                          on_stage: Callable[[str], None] | None = None) -> SupervisionSweep:
    """Sweep every county (and city with departments of its own) for the moment `now` (default: now),
    one after another in this process; the beat's task fans the regions out to workers instead
    (gov_services.tasks.supervision).

    Returns the sweep with its counts. Safe to run again or concurrently: nothing is issued twice.
    `on_stage(label)` is called after each stage (the command's progress bar).
    """
    sweep = supervision_sweep_open(now=now, trigger=trigger)
    regions = Region.objects.in_bulk(sweep.counts["regions"])
    for region_id in sweep.counts["regions"]:
        supervision_sweep_region_run(sweep=sweep, region=regions[region_id], on_stage=on_stage)
    sweep.refresh_from_db()
    return sweep
