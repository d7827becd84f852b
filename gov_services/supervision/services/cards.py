"""Yellow and red cards, issued by the sweep: on a request by its overall deadline, and on its running
approval step by the step's own limit, both by the county's thresholds."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gov_services.models import (
    Card,
    EscalationStep,
    RequestEvent,
    RequestStep,
    ServiceRequest,
    StepKind,
    SupervisionCard,
    SupervisionSweep,
)
from gov_services.requests.services import request_events_record_many
from gov_services.requests.workflow import APPEAL_LIMIT_DAYS, Action
from gov_services.supervision.rules import card_bounds
from gov_services.supervision.services import batches
from gov_services.supervision.services.batches import ISO_UTC_SQL, in_batches, sql_of, table_name
from gov_services.supervision.services.notices import SweepNotices
from gov_services.supervision.services.region_plan import STEP_RUNNING_STATUSES, CountyPlan, running_requests

CARD_ACTIONS = {Card.YELLOW: Action.CARD_YELLOW, Card.RED: Action.CARD_RED}


def _card_candidates_qs(plan: CountyPlan, level: str, now: datetime, calendar):
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
    return (running_requests(plan.department_ids).filter(due_at__lte=max(bounds.values())).filter(condition)
            .exclude(Exists(held)))


def issue_cards(sweep: SupervisionSweep, plan: CountyPlan, level: str, now: datetime, calendar) -> int:
    candidates = _card_candidates_qs(plan, level, now, calendar)
    if batches.set_based():
        return _issue_cards_sql(sweep, level, now, candidates)
    action, issued_total = CARD_ACTIONS[level], 0
    note = str(Card(level).label)
    rows_due = list(candidates.order_by("pk").values_list("pk", "department_id", "status", "due_at"))
    for rows in in_batches(rows_due):
        with transaction.atomic():
            SupervisionCard.objects.bulk_create(
                [SupervisionCard(request_id=pk, level=level, department_id=dept, issued_at=now, sweep=sweep)
                 for pk, dept, _status, _due in rows], ignore_conflicts=True)
            mine = set(SupervisionCard.objects.filter(sweep=sweep, level=level,
                                                      request_id__in=[row[0] for row in rows])
                       .values_list("request_id", flat=True))
            request_events_record_many(
                [RequestEvent(request_id=pk, action=action, from_status=status, to_status=status, internal=True,
                              note=note, data={"card": level, "due_at": due.isoformat(), "sweep": sweep.pk})
                 for pk, _dept, status, due in rows if pk in mine])
        issued_total += len(mine)
    return issued_total


def _issue_cards_sql(sweep: SupervisionSweep, level: str, now: datetime, candidates) -> int:
    """One statement: the due rows, their cards (ON CONFLICT DO NOTHING against (request, level): a
    concurrent sweep's card wins and this one writes nothing for it) and one RequestEvent per card this
    statement inserted (RETURNING), all written by the database.

    The events read status and deadline from the request row by primary key (an index lookup) rather
    than joining back to the `due` CTE, whose size the planner cannot estimate."""
    # Writes its RequestEvents itself, not through request_events_record_many: one statement for cards and events.
    due_sql, due_params = sql_of(candidates.values_list("pk", "department_id", "status", "due_at"))
    sql = f"""
        WITH due (id, department_id, status, due_at) AS ({due_sql}),
        ins AS (
            INSERT INTO {table_name(SupervisionCard)} (request_id, level, department_id, issued_at, sweep_id)
            SELECT id, %s, department_id, %s, %s FROM due ORDER BY id
            ON CONFLICT (request_id, level) DO NOTHING
            RETURNING request_id
        )
        INSERT INTO {table_name(RequestEvent)} (request_id, at, actor_id, action, from_status, to_status, note,
                                            internal, data)
        SELECT r.id, %s, NULL, %s, r.status, r.status, %s, TRUE,
               jsonb_build_object('card', %s::text, 'due_at', {ISO_UTC_SQL.format(col="r.due_at")},
                                  'sweep', %s::bigint)
        FROM ins JOIN {table_name(ServiceRequest)} r ON r.id = ins.request_id"""
    params = (*due_params, level, now, sweep.pk,
              timezone.now(), CARD_ACTIONS[level].value, str(Card(level).label), level, sweep.pk)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def issue_step_cards(sweep: SupervisionSweep, plan: CountyPlan, now: datetime, calendar,
                      notices: SweepNotices) -> dict[str, int]:
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
        request_events_record_many([
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
