"""Reads for supervision: the board, the escalation timeline and task list, the county's settings and
steps, follow-ups and appeals of ratings (the monthly assessment: department_assessment.py,
officer_assessment.py).

Who sees what:
* a county admin: the requests, cards and escalations of their county; edits the settings and steps
  and records the outcome of calls and referrals (the county supervision office's work);
* a township admin: the same screens for the requests whose village lies in their township, read-only;
* a superuser: any county (the first, unless another is asked for), and may edit;
* anyone else: nothing (PermissionDenied, 403); a request, escalation, follow-up or appeal outside the
  admin's region is a 404, as a missing one.

A request's place is ServiceRequest.PLACE: its village, else its station's village, else its
department's region (stations/scope).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _

from gov_services.models import (
    Card,
    Department,
    Escalation,
    EscalationStep,
    FollowUp,
    FollowUpCallback,
    Rating,
    RatingAppeal,
    ServiceRequest,
    SupervisionCard,
    SupervisionSettings,
    SupervisionSweep,
)
from gov_services.requests.deadlines import WorkCalendar
from gov_services.requests.selectors.requests import Refusal
from gov_services.requests.workflow import OPEN_STATUSES
from gov_services.supervision.rules import follow_up_due, follow_up_overdue_bound
from stations.models import Region
from stations.scope import get_in_scope, place_q, require, scope_for

_NOT_ALLOWED = _("Supervision is for county and township admins.")


# --- Who may look, who may act ----------------------------------------------------------------------

def can_view_supervision(*, user) -> bool:
    return scope_for(user).is_county_staff


def can_manage_supervision(*, user) -> bool:
    """County admins and superusers: settings, steps, and the outcome of calls and referrals."""
    return scope_for(user).is_county_admin


def require_supervision_viewer(*, user) -> None:
    require(can_view_supervision(user=user), _NOT_ALLOWED)


def supervision_county_for(*, user, county_id: int | None = None) -> Region:
    """The county whose supervision the user sees, or PermissionDenied."""
    require_supervision_viewer(user=user)
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("path")
    region = scope_for(user).admin_region
    if user.is_superuser:
        county = (counties.filter(pk=county_id).first() if county_id else None) or counties.first()
    elif region.level == Region.Level.COUNTY:  # a county admin's own county, already loaded with the post
        county = region
    else:
        county = counties.filter(path=scope_for(user).county_path).first()
    if county is None:
        raise PermissionDenied(_("There is no county to supervise yet."))
    return county


def supervision_county_list(*, user) -> QuerySet[Region]:
    """Counties the user may switch between (only superusers have more than one)."""
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("path")
    return counties if user.is_superuser else counties.none()


def supervision_scope_region(*, user, county: Region | None = None) -> Region:
    """The region the user supervises within `county` (by default their own): the county, or a township
    admin's township."""
    region = scope_for(user).admin_region
    if region is not None and region.level == Region.Level.TOWNSHIP:
        return region
    return county or supervision_county_for(user=user)


def _in_region(region: Region, *, prefix: str = "") -> Q:
    """Requests (through `prefix`, e.g. "request__") whose place lies in `region`."""
    return place_q(region.path, ServiceRequest.PLACE, prefix=prefix)


def _in_admins_region(user, *, prefix: str) -> Q:
    """Rows of requests (through `prefix`) whose place lies in a region the user administers."""
    return scope_for(user).q(place=tuple(f"{prefix}{lookup}" for lookup in ServiceRequest.PLACE))


# --- Settings and steps ------------------------------------------------------------------------------

def supervision_settings_for(*, county: Region) -> SupervisionSettings:
    """The county's settings; an unsaved instance with the defaults when it has none yet."""
    return SupervisionSettings.objects.filter(county=county).first() or SupervisionSettings(county=county)


def escalation_step_list(*, county: Region, active_only: bool = False) -> QuerySet[EscalationStep]:
    steps = EscalationStep.objects.filter(county=county).order_by("position", "pk")
    return steps.filter(is_active=True) if active_only else steps


def access_escalation_step_by_id(*, user, step_id: int) -> EscalationStep:
    """A step the user may change (a county admin's own county), or PermissionDenied."""
    require(can_manage_supervision(user=user), _("Only county admins may change the escalation chain."))
    steps = EscalationStep.objects.select_related("county").filter(scope_for(user).q(place="county__path",
                                                                                      county_only=True))
    return get_in_scope(steps, pk=step_id)


def last_sweep() -> SupervisionSweep | None:
    return SupervisionSweep.objects.filter(finished_at__isnull=False).order_by("-started_at", "-pk").first()


# --- The board ---------------------------------------------------------------------------------------

def _card_annotation():
    red = SupervisionCard.objects.filter(request=OuterRef("pk"), level=Card.RED)
    yellow = SupervisionCard.objects.filter(request=OuterRef("pk"), level=Card.YELLOW)
    return Case(When(Exists(red), then=Value(Card.RED.value)), When(Exists(yellow), then=Value(Card.YELLOW.value)),
                default=Value(""))


def _open_in_scope(*, user, county: Region | None) -> QuerySet[ServiceRequest]:
    require_supervision_viewer(user=user)
    region = supervision_scope_region(user=user, county=county)
    return ServiceRequest.objects.filter(_in_region(region), status__in=OPEN_STATUSES)


def _township_path():
    return Substr(Coalesce("village__path", "station__village__path"), 1, Region.steplen * 3)


@dataclass
class BoardRow:
    key: int | None
    name: str
    open: int = 0
    yellow: int = 0
    red: int = 0


def board_summary(*, user, county: Region) -> dict:
    """Open requests in scope with their current card (red wins over yellow), counted by department and
    by township. Four grouped queries, whatever the number of requests."""
    requests = _open_in_scope(user=user, county=county)
    red_of = SupervisionCard.objects.filter(request=OuterRef("request_id"), level=Card.RED)
    cards = SupervisionCard.objects.filter(request__in=requests.values("pk")).filter(
        Q(level=Card.RED) | Q(level=Card.YELLOW) & ~Exists(red_of))
    departments = {d.pk: d.name for d in Department.objects.filter(
        pk__in=requests.values("department_id").distinct())}
    by_department = {pk: BoardRow(pk, name) for pk, name in departments.items()}
    for pk, n in requests.values_list("department_id").annotate(n=Count("pk")).order_by():
        by_department[pk].open = n
    for pk, level, n in cards.values_list("request__department_id", "level").annotate(n=Count("pk")).order_by():
        setattr(by_department[pk], level, n)

    townships = {r.path: r for r in Region.objects.filter(level=Region.Level.TOWNSHIP,
                                                           path__startswith=county.path)}
    by_township: dict[str | None, BoardRow] = {}

    def township_row(path):
        if path not in by_township:
            town = townships.get(path)
            by_township[path] = BoardRow(town.pk if town else None, town.name if town else _("No village given"))
        return by_township[path]

    for path, n in requests.annotate(town=_township_path()).values_list("town").annotate(n=Count("pk")).order_by():
        township_row(path).open = n
    for path, level, n in (cards.annotate(town=Substr(Coalesce("request__village__path",
                                                               "request__station__village__path"),
                                                      1, Region.steplen * 3))
                           .values_list("town", "level").annotate(n=Count("pk")).order_by()):
        setattr(township_row(path), level, n)
    department_rows = sorted(by_department.values(), key=lambda r: (-r.red, -r.yellow, r.name))
    township_rows = sorted(by_township.values(), key=lambda r: (r.key is None, -r.red, -r.yellow, r.name))
    return {
        "by_department": department_rows,
        "by_township": township_rows,
        "totals": BoardRow(None, "", open=sum(r.open for r in department_rows),
                           yellow=sum(r.yellow for r in department_rows), red=sum(r.red for r in department_rows)),
    }


def board_request_list(*, user, county: Region | None = None, card: str | None = None) -> QuerySet[ServiceRequest]:
    """The drill-down: open requests in scope with a card (`card` narrows to one), soonest deadline first;
    each row has `card` ("red"/"yellow"). `county` by default the user's own; the page narrows it further
    (filters.BoardFilter)."""
    requests = _open_in_scope(user=user, county=county).annotate(card=_card_annotation()).exclude(card="")
    if card in Card.values:
        requests = requests.filter(card=card)
    return (requests.select_related("item", "department", "station", "village", "assignee")
            .order_by(F("due_at").asc(nulls_last=True), "pk"))


def board_townships(*, user, county: Region) -> QuerySet[Region]:
    region = supervision_scope_region(user=user, county=county)
    return Region.objects.filter(level=Region.Level.TOWNSHIP, path__startswith=region.path).order_by("code")


# --- Escalations -------------------------------------------------------------------------------------

# An escalation step that asks for something (a call, a talk), not only a notification.
WITH_TASK = ~Q(task=EscalationStep.Task.NONE)


def escalation_list(*, user, county: Region | None = None, status: str | None = None, tasks_only: bool = False,
                    department_id: int | None = None) -> QuerySet[Escalation]:
    """Escalations of requests in scope, newest first (the timeline); `tasks_only` leaves out the
    notification-only steps. `county` by default the user's own."""
    require_supervision_viewer(user=user)
    region = supervision_scope_region(user=user, county=county)
    escalations = Escalation.objects.filter(_in_region(region, prefix="request__"))
    if status:
        escalations = escalations.filter(status=status)
    if tasks_only:
        escalations = escalations.filter(WITH_TASK)
    if department_id:
        escalations = escalations.filter(department_id=department_id)
    return (escalations.select_related("request", "request__item", "department", "responsible", "named_person",
                                       "handled_by")
            .order_by("-issued_at", "-pk"))


def access_escalation_by_id(*, user, escalation_id: int) -> Escalation:
    """An escalation of a request in the user's scope; 403 for anyone but admins, 404 for one outside
    their region (as for a missing id)."""
    require_supervision_viewer(user=user)
    escalations = Escalation.objects.select_related(
        "request", "request__item", "request__village", "request__station__village", "department",
        "responsible", "named_person", "handled_by").filter(_in_admins_region(user, prefix="request__"))
    return get_in_scope(escalations, pk=escalation_id)


def request_cards(*, request: ServiceRequest) -> list[SupervisionCard]:
    return list(SupervisionCard.objects.filter(request=request).order_by("issued_at", "pk"))


# --- Follow-ups of dissatisfied ratings (回访) ---------------------------------------------------------

FOLLOW_UP_STATES = ("open", "overdue", "done", "appealed", "all")


def follow_up_list(*, user, county: Region, state: str, now: datetime.datetime,
                   calendar: WorkCalendar) -> QuerySet[FollowUp]:
    """Follow-ups of requests in the user's scope: `open`, `overdue` (open past the county's callback
    limit), `done` or `all`; open ones oldest first (the most urgent call on top), the rest newest first."""
    require_supervision_viewer(user=user)
    region = supervision_scope_region(user=user, county=county)
    follow_ups = FollowUp.objects.filter(_in_region(region, prefix="request__"))
    if state in ("open", "overdue"):
        follow_ups = follow_ups.filter(status=FollowUp.Status.OPEN)
    if state == "overdue":
        days = supervision_settings_for(county=county).follow_up_days
        follow_ups = follow_ups.filter(opened_at__lte=follow_up_overdue_bound(now=now, days=days,
                                                                              calendar=calendar))
    if state == "done":
        follow_ups = follow_ups.filter(status=FollowUp.Status.DONE)
    if state == "appealed":  # the department appealed the rating and the county has not decided yet
        follow_ups = follow_ups.filter(request__rating__appeal__status=RatingAppeal.Status.PENDING)
    order = ("opened_at", "pk") if state in ("open", "overdue", "appealed") else ("-opened_at", "-pk")
    return (follow_ups.select_related("request", "request__item", "request__department", "request__rating",
                                      "request__rating__appeal")
            .annotate(calls=Count("callbacks")).order_by(*order))


def follow_up_counts(*, user, county: Region, now: datetime.datetime, calendar: WorkCalendar) -> dict[str, int]:
    """How many follow-ups are open and how many of those are overdue (the tab's figures)."""
    return {state: follow_up_list(user=user, county=county, state=state, now=now, calendar=calendar).count()
            for state in ("open", "overdue")}


def follow_up_deadlines(*, follow_ups: Iterable[FollowUp], county: Region, now: datetime.datetime,
                        calendar: WorkCalendar) -> None:
    """Set `due_at` and `overdue` on each follow-up shown (a page of them: computed in Python)."""
    days = supervision_settings_for(county=county).follow_up_days
    for follow_up in follow_ups:
        follow_up.due_at = follow_up_due(opened_at=follow_up.opened_at, days=days, calendar=calendar)
        follow_up.overdue = follow_up.status == FollowUp.Status.OPEN and now > follow_up.due_at


def access_follow_up_by_id(*, user, follow_up_id: int) -> FollowUp:
    """A follow-up of a request in the user's scope (county or township admin); 403 for anyone else,
    404 outside their region (as for a missing id, so that ids outside one's region cannot be probed)."""
    require_supervision_viewer(user=user)
    follow_ups = FollowUp.objects.select_related(
        "request", "request__item", "request__department", "request__rating", "request__village",
        "request__station__village", "request__assignee").filter(_in_admins_region(user, prefix="request__"))
    return get_in_scope(follow_ups, pk=follow_up_id)


def follow_up_callbacks(*, follow_up: FollowUp) -> list[FollowUpCallback]:
    return list(follow_up.callbacks.select_related("recorded_by").order_by("called_at", "pk"))


# --- Appeals of ratings (the resident's re-rating is requests': gov_services/requests/selectors/requests.py) -------

def rating_appeal_of(*, rating: Rating | None) -> RatingAppeal | None:
    if rating is None:
        return None
    return RatingAppeal.objects.select_related("appealed_by", "decided_by").filter(rating=rating).first()


def appeal_refusal(*, rating: Rating | None) -> Refusal | None:
    """Why the department may not appeal this rating; None when it may (a dissatisfied rating, once)."""
    if rating is None:
        return Refusal("not_rated", _("This request has not been rated."))
    if RatingAppeal.objects.filter(rating=rating).exists():
        return Refusal("already_appealed", _("This rating has already been appealed. A rating is appealed once."))
    if rating.score in Rating.SATISFIED_SCORES:
        return Refusal("not_dissatisfied", _("Only a dissatisfied rating can be appealed."))
    return None


def access_rating_appeal_by_id(*, user, appeal_id: int) -> RatingAppeal:
    """An appeal of a rating of a request in the user's scope (county or township admin); 404 outside it."""
    require_supervision_viewer(user=user)
    appeals = RatingAppeal.objects.select_related("rating__request").filter(
        _in_admins_region(user, prefix="rating__request__"))
    return get_in_scope(appeals, pk=appeal_id)
