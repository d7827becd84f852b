"""The supervision sweep: `supervision_sweep_open` records a sweep, `supervision_sweep_region_run` sweeps one
region — in turn in this process (`supervision_sweep_run`: the command, the demo) or one Celery task per
region in parallel (the beat's task). A region's sweep closes stale returned requests, issues cards
(cards.py), takes the due escalation steps (escalations.py) and texts each person concerned once
(notices.py), in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.sms import sms_enqueue_many
from core.timeutil import local_date
from gov_services.channels.services import webhook_status_changes_enqueue
from gov_services.models import Card, EscalationStep, RequestEvent, ServiceRequest, SupervisionSweep
from gov_services.notifications import notify_followers_of_status
from gov_services.requests.services import request_events_record_many
from gov_services.requests.workflow import Action, transition
from gov_services.selectors.calendar import work_calendar
from gov_services.supervision.rules import held_since_bound
from gov_services.supervision.services.batches import in_batches
from gov_services.supervision.services.cards import issue_cards, issue_step_cards
from gov_services.supervision.services.escalations import escalate_late_steps, escalate_requests
from gov_services.supervision.services.notices import SweepNotices
from gov_services.supervision.services.region_plan import CountyPlan, county_plan, supervised_regions
from stations.models import Region

Status = ServiceRequest.Status


def _expire_returned(plan: CountyPlan, now: datetime, calendar) -> int:
    """Close requests left waiting for the resident's supplement for returned_close_days working days."""
    days = plan.config.returned_close_days
    bound = held_since_bound(now=now, days=days, calendar=calendar)
    to_status = transition(Status.RETURNED, Action.EXPIRE)
    stale = ServiceRequest.objects.filter(department_id__in=plan.department_ids, status=Status.RETURNED,
                                          paused_at__lte=bound)
    closed_total = 0
    for batch in in_batches(list(stale.order_by("pk").values_list("pk", flat=True))):
        with transaction.atomic():
            locked = list(stale.filter(pk__in=batch).select_for_update(skip_locked=True).order_by("pk")
                          .values_list("pk", "paused_at"))
            ServiceRequest.objects.filter(pk__in=[pk for pk, _paused in locked]).update(status=to_status)
            expired = request_events_record_many([
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


def sweep_stage_count() -> int:
    """How many stages a sweep will run (for a progress bar): per county (or city), expiry + two cards + the
    step cards + its escalation steps."""
    steps = EscalationStep.objects.filter(is_active=True).count()
    return len(supervised_regions()) * 4 + steps


def supervision_sweep_open(*, now: datetime | None = None,
                           trigger: str = SupervisionSweep.Trigger.COMMAND) -> SupervisionSweep:
    """Record a sweep for the moment `now` (default: now) over every county (and city with departments
    of its own); each is then swept by supervision_sweep_region_run, in turn or in parallel."""
    region_ids = [region.pk for region in supervised_regions()]
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
        plan = county_plan(region)
        counts["expired"] = _expire_returned(plan, now, calendar)
        stage(f"{region.name}: {_('returned requests')}")
        with transaction.atomic():
            for level in (Card.YELLOW, Card.RED):
                counts[level.value] = issue_cards(sweep, plan, level, now, calendar)
                stage(f"{region.name}: {level.label}")
            notices = SweepNotices(plan)
            step_cards = issue_step_cards(sweep, plan, now, calendar, notices)
            counts["step_cards"] = step_cards
            stage(f"{region.name}: {_('step cards')}")
            for step in plan.steps:
                issued = (escalate_requests(sweep, plan, step, now, calendar)
                          + escalate_late_steps(sweep, plan, step, now, calendar))
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
