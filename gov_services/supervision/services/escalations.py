"""The escalation chain taken by the sweep: each step of the county's chain, after its working days on a
card, once per request (and once per late approval step), with its event and the head an interview
names."""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from gov_services.models import (
    Card,
    Escalation,
    EscalationStep,
    RequestEvent,
    RequestStep,
    ServiceRequest,
    StepKind,
    SupervisionCard,
    SupervisionSweep,
)
from gov_services.requests.services import request_events_record_many
from gov_services.requests.workflow import CLOCK_RUNNING, Action
from gov_services.supervision.rules import held_since_bound
from gov_services.supervision.services import batches
from gov_services.supervision.services.batches import in_batches, sql_of, table_name
from gov_services.supervision.services.region_plan import STEP_RUNNING_STATUSES, CountyPlan, running_requests


def _escalation_candidates_qs(plan: CountyPlan, step: EscalationStep, now: datetime, calendar):
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


def _heads_named(plan: CountyPlan, step: EscalationStep) -> dict[int, User]:
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


def escalate_requests(sweep: SupervisionSweep, plan: CountyPlan, step: EscalationStep, now: datetime,
              calendar) -> list[tuple[int, int, int | None]]:
    """Take the step for every request due it; (request id, department id, officer) of each one taken."""
    candidates = _escalation_candidates_qs(plan, step, now, calendar)
    if batches.set_based():
        return _escalate_sql(sweep, plan, step, now, candidates)
    named = _heads_named(plan, step)
    issued_all: list[tuple[int, int, int | None]] = []
    for batch in in_batches(list(candidates.order_by("request_id").values_list("request_id", flat=True))):
        with transaction.atomic():
            requests = list(running_requests(plan.department_ids).filter(pk__in=batch).order_by("pk")
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
            request_events_record_many(
                [_escalation_event(r, step, named.get(r.department_id), sweep) for r in issued])
        issued_all += [(r.pk, r.department_id, r.assignee_id) for r in issued]
    return issued_all


def _late_step_candidates_qs(plan: CountyPlan, step: EscalationStep, now: datetime, calendar):
    """Running approval steps that have held the chain step's card long enough and have not taken it: the
    request-level rule applied to each step's own card (a yellow-card link is skipped once the step is red)."""
    bound = held_since_bound(now=now, days=step.after_days, calendar=calendar)
    return RequestStep.objects.filter(
        request__department_id__in=plan.department_ids, request__status__in=STEP_RUNNING_STATUSES,
        request__paused_at__isnull=True, done_at__isnull=True, card=step.card, card_at__lte=bound,
    ).exclude(Exists(Escalation.objects.filter(request_step_id=OuterRef("pk"), step=step)))


def escalate_late_steps(sweep: SupervisionSweep, plan: CountyPlan, step: EscalationStep, now: datetime,
                         calendar) -> list[tuple[int, int, int | None]]:
    """Take the chain step for every late approval step due it (once per approval step: the unique key
    (request step, step) lets one sweep only insert it); (request id, department id, officer) of each taken."""
    named = _heads_named(plan, step)
    due = list(_late_step_candidates_qs(plan, step, now, calendar).select_related("request").order_by("pk"))
    issued_all: list[tuple[int, int, int | None]] = []
    for batch in in_batches(due):
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
            request_events_record_many(events)
        issued_all += [(s.request_id, s.request.department_id, s.request.assignee_id) for s in taken]
    return issued_all


def _late_step_label(request_step: RequestStep, text: str) -> str:
    """The chain step's words prefixed with the approval step they concern (审查: 超期督办)."""
    return f"{StepKind(request_step.kind).label}: {text}"


def _escalate_sql(sweep: SupervisionSweep, plan: CountyPlan, step: EscalationStep, now: datetime,
                  candidates) -> list[tuple[int, int, int | None]]:
    """One statement per step: the due requests, their escalations (ON CONFLICT DO NOTHING against
    (request, step)) and a RequestEvent for each escalation inserted; it returns (request, department,
    officer) of each escalation inserted. The head an interview names, and the note naming them, come in as a JSON map
    per department (a county has tens of departments, not millions)."""
    # Writes its RequestEvents itself, not through request_events_record_many: one statement for rows and events.
    named = _heads_named(plan, step)
    heads_json = json.dumps({str(dept): head.pk for dept, head in named.items()})
    notes_json = json.dumps({str(dept): _escalation_note(step, head) for dept, head in named.items()},
                            ensure_ascii=False)
    due_sql, due_params = sql_of(candidates.values_list("request_id", "request__department_id",
                                                         "request__assignee_id", "request__status"))
    sql = f"""
        WITH due (id, department_id, assignee_id, status) AS ({due_sql}),
        ins AS (
            INSERT INTO {table_name(Escalation)} (request_id, step_id, label, card, task, department_id,
                                              responsible_id, named_person_id, issued_at, sweep_id, status,
                                              outcome)
            SELECT id, %s, %s, %s, %s, department_id, assignee_id,
                   (%s::jsonb ->> department_id::text)::bigint, %s, %s, %s, ''
            FROM due ORDER BY id
            ON CONFLICT (request_id, step_id) WHERE request_step_id IS NULL DO NOTHING
            RETURNING request_id, department_id, responsible_id, named_person_id
        ),
        ev AS (
            INSERT INTO {table_name(RequestEvent)} (request_id, at, actor_id, action, from_status, to_status, note,
                                                internal, data)
            SELECT r.id, %s, NULL, %s, r.status, r.status,
                   COALESCE(%s::jsonb ->> ins.department_id::text, %s), TRUE,
                   jsonb_build_object('step', %s::bigint, 'card', %s::text, 'task', %s::text,
                                      'sweep', %s::bigint, 'named_person', ins.named_person_id)
            FROM ins JOIN {table_name(ServiceRequest)} r ON r.id = ins.request_id
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
