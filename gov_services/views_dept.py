"""The department queue (/dept/), a request's page for its officers, and the admins' request list
(/county/requests/), plus the access-checked file views both use.

Who gets in (stations/scope.py):
* /dept/…: officers (members of a department) and superusers; anyone else gets 403. A request's page
  is for the officers of the department that holds it now; for anyone else, including an officer of
  another department or one whose request was just rerouted away, it is a 404.
* /county/requests/…: township and county admins and superusers (403 for anyone else); an admin sees
  the requests whose place lies in their region, any other request is a 404.
* attachments and the signature: staff and residents (RequestFilesMixin; 403 for anyone else), then
  whoever service_request_list lets see the request (a 404 for any other request).

The action panel offers exactly what the services allow: both ask the same scope predicates.

ID numbers: lists mask them everywhere. A request's page shows the full number to the officers of
the department handling it (they check it against the scans and need it to issue the result) and
masks it for admins, who supervise deadlines and routing and do not need it (PIPL: the least data
for the purpose). The same rule applies to ID and phone numbers inside the e-form.

Every move calls exactly one service; the services decide who may act and refuse illegal or
repeated moves (a double click). Their refusals come back as messages, never as a 500.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from accounts.models import User
from core.http import int_or_none, private_image_response, user_file_response
from core.masking import mask_id_number
from core.pdf_pages import PAGE_WIDTHS, PdfPageError, stored_pdf_page_count, stored_pdf_page_jpeg
from core.personal_data import personal_data_view_record
from core.service_errors import errors_onto
from core.state_machine import TransitionNotAllowed
from core.timeutil import local_date
from gov_services.deadlines import working_days_between
from gov_services.eforms import display_rows
from gov_services.filters_dept import QueueFilter
from gov_services.forms_dept import (
    ACTION_SPECS,
    STAFF_ACTIONS,
    CountyRequestFilterForm,
    RequestActionForm,
)
from gov_services.forms_reports import PublicReplyForm
from gov_services.forms_supervision import RatingAppealForm
from gov_services.identifiers import format_tracking_code
from gov_services.models import (
    Department,
    DepartmentMembership,
    Rating,
    SavedQueueView,
    ServiceRequest,
    StepKind,
)
from gov_services.selectors import departments as department_selectors
from gov_services.selectors import requests as request_selectors
from gov_services.selectors import supervision as supervision_selectors
from gov_services.selectors.calendar import work_calendar
from gov_services.services import queue as queue_services
from gov_services.services import requests as services
from gov_services.services.reports import may_reply_publicly
from gov_services.services.requests.steps import current_step, request_steps, step_refusal
from gov_services.services.supervision.casework import rating_appeal_submit
from gov_services.steps import OPTIONAL_KINDS, STEP_ACTIONS, STEP_OF_ACTION
from gov_services.views_certificates import certificate_panel
from gov_services.workflow import CLOCK_RUNNING, Action, allowed_actions
from stations.mixins import CountyStaffMixin, DepartmentStaffMixin, RequestFilesMixin
from stations.models import Region
from stations.scope import get_in_scope, scope_for
from stations.selectors import region_list, station_list

Status = ServiceRequest.Status

QUEUE_PAGE_SIZE = 50
COUNTY_PAGE_SIZE = 30
# Actions an admin of the region takes on the read-only page (the services allow them reroute and notes).
ADMIN_ACTIONS = (Action.REROUTE, Action.NOTE)
_STATUS_MOVES = frozenset({Action.ACCEPT, Action.RETURN_FOR_SUPPLEMENT, Action.REJECT, Action.START_REVIEW,
                           Action.APPROVE, Action.REFUSE, Action.COMPLETE, Action.STEP_DONE})


def may_take(scope, action: str, service_request: ServiceRequest) -> bool:
    """Whether the user may take `action` on the request: the predicate its service enforces."""
    if action in _STATUS_MOVES:
        return scope.can_handle_request(service_request)
    return {
        Action.CLOSE: scope.can_reroute_request,  # an admin of its region may close it too
        Action.REROUTE: scope.can_reroute_request,
        Action.CLAIM: scope.can_claim_request,
        Action.ASSIGN: scope.can_assign_request,
        Action.TRANSFER: scope.can_transfer_request,
        Action.NOTE: scope.can_note_request,
    }[action](service_request)


def _belongs_to_step(action: str, current, *, has_steps: bool) -> bool:
    """Offer a step's own buttons only while that step is current (other actions always)."""
    if not has_steps or action not in STEP_ACTIONS:
        return True
    if current is None:
        return False
    if action == Action.STEP_DONE:
        return current.kind in OPTIONAL_KINDS
    return STEP_OF_ACTION[action] == current.kind


# --- The deadline hint (pure) ----------------------------------------------------------------------

@dataclass(frozen=True)
class DeadlineHint:
    """What the deadline column says. `state` is one of:
    not_started (not accepted yet), paused (returned for supplement), due, due_soon, today, overdue
    (the clock runs), done_on_time, done_late (completed; `days` late), none (no deadline applies)."""

    state: str
    days: int = 0

    @property
    def css(self) -> str:
        return {"overdue": "overdue", "done_late": "overdue", "today": "soon", "due_soon": "soon",
                "paused": "paused"}.get(self.state, "ok")


def deadline_hint(request: ServiceRequest, *, now: datetime, calendar, soon_days: int) -> DeadlineHint:
    """The working days left (or late) on `request`, counted as gov_services/deadlines.py counts."""
    if request.paused_at is not None or request.status == Status.RETURNED:
        return DeadlineHint("paused")
    if request.due_at is None:
        return DeadlineHint("not_started" if request.status == Status.SUBMITTED else "none")
    if request.status in CLOCK_RUNNING:
        if request.due_at < now:
            return DeadlineHint("overdue", working_days_between(request.due_at, now, calendar))
        days = working_days_between(now, request.due_at, calendar)
        if days == 0:
            return DeadlineHint("today")
        return DeadlineHint("due_soon" if days <= soon_days else "due", days)
    if request.completed_at is not None:
        if request.completed_at > request.due_at:
            return DeadlineHint("done_late", working_days_between(request.due_at, request.completed_at, calendar))
        return DeadlineHint("done_on_time")
    return DeadlineHint("none")


def _decorate(rows, *, now=None) -> list[ServiceRequest]:
    """Display helpers on each row: readable code, masked ID, deadline hint. No queries (the calendar
    is cached by selectors.calendar)."""
    rows = list(rows)
    if not rows:
        return rows
    now = now or timezone.now()
    calendar = work_calendar()
    for row in rows:
        row.code_display = format_tracking_code(row.tracking_code)
        row.id_masked = mask_id_number(row.applicant_id_number)
        row.hint = deadline_hint(row, now=now, calendar=calendar,
                                 soon_days=request_selectors.DUE_SOON_WORKING_DAYS)
    return rows


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


# --- Access --------------------------------------------------------------------------------------

def _memberships(user) -> list[DepartmentMembership]:
    """The user's departments (the /dept/ pages let in department staff only: DepartmentStaffMixin)."""
    return list(department_selectors.memberships_of(user=user))


def _officer_request(user, request_id: int) -> tuple[ServiceRequest, DepartmentMembership | None]:
    """The request if it is with one of the user's departments now (any department for a superuser),
    with the user's membership of that department; 404 otherwise."""
    memberships = _memberships(user)
    department_ids = {m.department_id for m in memberships}
    queue = request_selectors.service_request_list(user=user)
    if not user.is_superuser:
        queue = queue.filter(department_id__in=department_ids)
    service_request = get_in_scope(queue, pk=request_id)
    member = next((m for m in memberships if m.department_id == service_request.department_id), None)
    return service_request, member


def _admin_region(user) -> Region | None:
    """The admin's region (None for a superuser who is no admin); the /county/ pages let in admins only
    (CountyStaffMixin)."""
    return scope_for(user).admin_region


# --- /dept/: the queue ----------------------------------------------------------------------------

BUCKET_LABELS = {
    "unassigned": _("Unassigned"),
    "mine": _("Mine"),
    "due_soon": _("Due soon"),
    "overdue": _("Overdue"),
    "all": _("All open"),
}


def _queue_counts(*, user, department_id: int | None) -> dict[str, int]:
    """Open requests per bucket in one query (each bucket as the selector defines it)."""
    def bucket(name):
        requests = request_selectors.department_queue(user=user, bucket=name)
        return requests.filter(department_id=department_id) if department_id else requests

    counts = bucket("all").aggregate(
        all=Count("pk"),
        **{name: Count("pk", filter=Q(pk__in=bucket(name).values("pk")))
           for name in request_selectors.QUEUE_BUCKETS if name != "all"})
    return {name: counts[name] or 0 for name in request_selectors.QUEUE_BUCKETS}


class DepartmentHomeView(DepartmentStaffMixin, View):
    """The officer's work queue: buckets with counts, a department filter when they work for several,
    soonest deadline first; their departments and colleagues below the queue."""

    template_name = "gov_services/dept_home.html"

    def get(self, request):
        user = request.user
        memberships = _memberships(user)
        bucket = request.GET.get("bucket") or "unassigned"
        if bucket not in request_selectors.QUEUE_BUCKETS:
            bucket = "unassigned"
        if user.is_superuser and not memberships:
            department_choices = [(d.pk, d.name) for d in department_selectors.department_list(user=user)]
        else:
            department_choices = [(m.department_id, m.department.name) for m in memberships]
        department_id = int_or_none(request.GET.get("department"))
        if department_id not in {pk for pk, _name in department_choices}:
            department_id = None

        queue = request_selectors.department_queue(user=user, bucket=bucket)
        if department_id:
            queue = queue.filter(department_id=department_id)
        colleagues = {m.user_id: m.user for dep in memberships
                      for m in department_selectors.department_members(department=dep.department)}
        search = QueueFilter(request.GET or None, queryset=queue, request=request,
                             members=[(pk, str(u)) for pk, u in colleagues.items()])
        if search.is_bound and search.is_valid():
            queue = search.qs
        counts = _queue_counts(user=user, department_id=department_id)
        page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = _decorate(page.object_list)

        departments = [
            {"department": m.department, "is_head": m.is_head,
             "members": list(department_selectors.department_members(department=m.department)),
             "workload": department_selectors.department_workload(department=m.department) if m.is_head else None}
            for m in memberships
        ]
        may_bulk = any(m.is_head for m in memberships) or user.is_superuser
        query = request.GET.copy()
        query.pop("page", None)
        return TemplateResponse(request, self.template_name, {
            "bucket": bucket,
            "buckets": [{"name": name, "label": BUCKET_LABELS[name], "count": counts[name]}
                        for name in request_selectors.QUEUE_BUCKETS],
            "page_obj": page,
            "requests": page.object_list,
            "departments": departments,
            "department_choices": department_choices,
            "department_id": department_id,
            "due_soon_days": request_selectors.DUE_SOON_WORKING_DAYS,
            "search": search,
            "searching": any(search.form.data.get(name) for name in ("q", "step", "deadline", "handler", "item")),
            "saved_views": list(SavedQueueView.objects.filter(user=user)),
            "current_query": query.urlencode(),
            "bulk_members": sorted(colleagues.items(), key=lambda pair: str(pair[1])) if may_bulk else [],
        })


class SavedQueueViewCreateView(DepartmentStaffMixin, View):
    """POST /dept/views/: save the queue's current search under a name (the officer's own)."""

    def post(self, request):
        try:
            queue_services.saved_queue_view_create(user=request.user, name=request.POST.get("name", ""),
                                                   query=request.POST.get("query", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("View saved."))
        return HttpResponseRedirect(reverse("gov_services:dept-home") + "?" + request.POST.get("query", ""))


class SavedQueueViewDeleteView(DepartmentStaffMixin, View):
    """POST /dept/views/<pk>/delete/: an officer removes one of their saved views (another's is a 404)."""

    def post(self, request, pk):
        view = SavedQueueView.objects.filter(user=request.user, pk=pk).first()
        if view is None:
            raise Http404(_("No such view."))
        queue_services.saved_queue_view_delete(user=request.user, view=view)
        messages.success(request, _("View removed."))
        return HttpResponseRedirect(reverse("gov_services:dept-home"))


class DepartmentBulkAssignView(DepartmentStaffMixin, View):
    """POST /dept/bulk-assign/: give the ticked requests to one officer (assign, or hand over with a note).
    Only assignment and hand-over are offered in bulk; decisions never are."""

    def post(self, request):
        back = _safe_next(request, reverse("gov_services:dept-home"))
        ids = [pk for pk in (int_or_none(v) for v in request.POST.getlist("requests")) if pk][:200]
        assignee_id = int_or_none(request.POST.get("assignee"))
        if not ids:
            messages.error(request, _("Tick the requests to assign first."))
            return HttpResponseRedirect(back)
        department_ids = {m.department_id for m in _memberships(request.user)}
        queue = request_selectors.service_request_list(user=request.user)
        if not request.user.is_superuser:
            queue = queue.filter(department_id__in=department_ids)
        chosen = list(queue.filter(pk__in=ids))
        assignee = User.objects.filter(pk=assignee_id, department_memberships__department_id__in=[
            r.department_id for r in chosen]).distinct().first() if assignee_id else None
        if assignee is None:
            messages.error(request, _("Choose an officer of the department."))
            return HttpResponseRedirect(back)
        try:
            moved, refused = queue_services.service_requests_bulk_assign(
                actor=request.user, requests=chosen, assignee=assignee, note=request.POST.get("note", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(back)
        if moved:
            messages.success(request, _("%(n)s requests given to %(name)s.") % {"n": len(moved), "name": assignee})
        for service_request, reason in refused:
            messages.warning(request, _("%(code)s was not moved: %(reason)s") % {
                "code": format_tracking_code(service_request.tracking_code), "reason": reason})
        return HttpResponseRedirect(back)


# --- A request's page ----------------------------------------------------------------------------

def _serving_departments(service_request: ServiceRequest) -> list[Department]:
    """Departments a request may be rerouted to, other than the one holding it."""
    village = service_request.village or (service_request.station.village if service_request.station_id else None)
    if village is None:
        return []
    return list(department_selectors.departments_serving(path=village.path)
                .exclude(pk=service_request.department_id))


def _timeline(service_request: ServiceRequest) -> list:
    """The full staff timeline, with the departments and officers named in reroute/assign events."""
    events = list(request_selectors.request_timeline(request=service_request, for_resident=False))
    user_ids = {e.data.get(k) for e in events for k in ("from_assignee", "to_assignee") if e.data.get(k)}
    dept_ids = {e.data.get(k) for e in events for k in ("from_department", "to_department") if e.data.get(k)}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    depts = {d.pk: d for d in Department.objects.filter(pk__in=dept_ids)} if dept_ids else {}
    statuses = dict(Status.choices)
    actions = dict(Action.choices)
    for event in events:
        event.action_label = actions.get(event.action, event.action)
        event.from_label = statuses.get(event.from_status, "")
        event.to_label = statuses.get(event.to_status, "")
        event.moved = bool(event.from_status and event.to_status and event.from_status != event.to_status)
        event.to_assignee = users.get(event.data.get("to_assignee"))
        event.to_department = depts.get(event.data.get("to_department"))
    return events


def _materials(service_request: ServiceRequest, attachments: list) -> tuple[list[dict], list]:
    """The item's checklist, each line with the scans received for it; and the scans filed under no line."""
    by_material: dict[int | None, list] = {}
    for attachment in attachments:
        by_material.setdefault(attachment.material_id, []).append(attachment)
    rows = []
    if service_request.item_id:
        for material in service_request.item.materials.all():
            rows.append({"material": material, "attachments": by_material.pop(material.pk, [])})
    others = [a for files in by_material.values() for a in files]
    return rows, others


def _with_pdf_pages(attachments: list) -> list:
    """Each PDF scan gets `pdf_pages` (its page count; 0 when poppler cannot read it, then it only downloads)
    for the viewer to page through it."""
    for attachment in attachments:
        if attachment.content_type == "application/pdf":
            try:
                attachment.pdf_pages = stored_pdf_page_count(attachment.file)
            except (PdfPageError, FileNotFoundError):
                attachment.pdf_pages = 0
    return attachments


def _step_rows(service_request: ServiceRequest, steps: list, user) -> list[dict]:
    """Each step with its deadline, its state and who holds or did it (the request page's steps table)."""
    now = timezone.now()
    current = current_step(steps)
    calendar = work_calendar()
    rows = []
    for step in steps:
        if step.done_at is not None:
            state = "done_late" if step.due_at and step.done_at > step.due_at else "done"
            who = step.done_by
        elif step is current and service_request.status in OPEN_STATUSES_FOR_STEPS:
            paused = service_request.paused_at is not None
            state = "paused" if paused else ("overdue" if step.due_at and step.due_at < now else "running")
            who = service_request.assignee
        else:
            state, who = "waiting", None
        days_left = (working_days_between(now, step.due_at, calendar)
                     if state == "running" and step.due_at else None)
        rows.append({"step": step, "state": state, "who": who, "is_current": step is current,
                     "days_left": days_left, "separate_from": [StepKind(k).label for k in step.separate_from
                                                                if k in StepKind.values]})
    return rows


OPEN_STATUSES_FOR_STEPS = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.UNDER_REVIEW, Status.RETURNED})


class _RequestPageMixin:
    """Renders a request's page (officer's or admin's) with the action panel."""

    template_name = ""
    mode = ""  # "dept" | "county"

    def available_actions(self, service_request, member) -> tuple[list[str], str]:
        raise NotImplementedError

    steps: list = ()

    def render_page(self, request, service_request, member, *, bound: RequestActionForm | None = None,
                    status: int = 200):
        user = request.user
        self.steps = request_steps(service_request) if service_request.item_id else []
        actions, blocked_reason = self.available_actions(service_request, member)
        needs_members = {Action.ASSIGN, Action.TRANSFER} & set(actions)
        members = list(department_selectors.department_members(department=service_request.department)) \
            if needs_members else []
        member_choices = [(m.user_id, str(m.user) + (" · " + _("head") if m.is_head else "")) for m in members]
        department_choices = ([(d.pk, d.name) for d in _serving_departments(service_request)]
                              if Action.REROUTE in actions else [])
        forms = []
        for action in actions:
            if bound is not None and bound.action_name == action:
                forms.append(bound)
            else:
                forms.append(RequestActionForm(action=action, departments=department_choices,
                                               members=member_choices))
        attachments = _with_pdf_pages(list(service_request.attachments.all()))
        materials, other_attachments = _materials(service_request, attachments)
        full_view = self.mode == "dept"
        # The page shows the phone number in full, the ID number too for the handling department (PIPL log).
        personal_data_view_record(
            viewer=user, target=service_request,
            fields=[name for name, shown in (("applicant_id_number", full_view),
                                             ("applicant_phone", bool(service_request.applicant_phone))) if shown],
            purpose=_("handling the request in the department") if full_view else _("supervising the request"))
        schema = service_request.item.form_schema if service_request.item_id else []
        _decorate([service_request])
        return TemplateResponse(request, self.template_name, {
            "sr": service_request,
            "member": member,
            "mode": self.mode,
            "show_full_id": full_view,
            "id_shown": service_request.applicant_id_number if full_view else service_request.masked_id_number,
            "form_rows": display_rows(schema, service_request.form_data, mask=not full_view)
            if service_request.form_data else [],
            "materials": materials,
            "other_attachments": other_attachments,
            "timeline": _timeline(service_request),
            "steps": _step_rows(service_request, self.steps, user),
            "step_refusal": next((reason for a in actions if a in STEP_ACTIONS
                                  for reason in [step_refusal(service_request, user, a, self.steps)] if reason), ""),
            "action_forms": forms,
            "open_action": None if bound is not None else next(
                (a for a in actions if ACTION_SPECS[a].style == "primary" and a != Action.CLAIM), None),
            "blocked_reason": blocked_reason,
            "action_url": reverse(f"gov_services:{self.mode}-request-action", args=[service_request.pk]),
            "is_assignee": service_request.assignee_id == user.pk,
            "certificate_panel": certificate_panel(service_request, user) if self.mode == "dept" else None,
            "rating_panel": rating_panel(service_request) if self.mode == "dept" else None,
            "public_reply_form": PublicReplyForm(prefix="reply") if self.mode == "dept" and may_reply_publicly(
                user=user, request=service_request) else None,
        }, status=status)


class DepartmentRequestDetailView(DepartmentStaffMixin, _RequestPageMixin, View):
    template_name = "gov_services/dept_request_detail.html"
    mode = "dept"

    def available_actions(self, service_request, member) -> tuple[list[str], str]:
        """What the panel offers: the actions the workflow allows now that this officer may take (the
        predicates the services enforce)."""
        scope = scope_for(self.request.user)
        blocked = "" if scope.can_handle_request(service_request) else _(
            "%(name)s holds this request: only they or the department head may move it.") % {
            "name": service_request.assignee}
        current = current_step(self.steps) if self.steps else None
        return [a for a in allowed_actions(service_request.status)
                if a in STAFF_ACTIONS and may_take(scope, a, service_request)
                and _belongs_to_step(a, current, has_steps=bool(self.steps))], blocked

    def get(self, request, pk):
        service_request, member = _officer_request(request.user, pk)
        return self.render_page(request, service_request, member)


class CountyRequestDetailView(CountyStaffMixin, _RequestPageMixin, View):
    template_name = "gov_services/county_request_detail.html"
    mode = "county"

    def available_actions(self, service_request, member) -> tuple[list[str], str]:
        scope = scope_for(self.request.user)
        return [a for a in allowed_actions(service_request.status)
                if a in ADMIN_ACTIONS and may_take(scope, a, service_request)], ""

    def get(self, request, pk):
        service_request = request_selectors.access_service_request_by_id(user=request.user, request_id=pk)
        return self.render_page(request, service_request, None)


# --- Acting on a request -------------------------------------------------------------------------

def _perform(action: str, *, service_request: ServiceRequest, actor, data: dict, members: dict,
             departments: dict) -> str:
    """Call the one service for `action`; returns the success message."""
    note = data.get("note", "")
    code = format_tracking_code(service_request.tracking_code)
    kwargs = {"request": service_request, "actor": actor}
    if action == Action.ACCEPT:
        services.service_request_accept(**kwargs, note=note)
        due = local_date(service_request.due_at)
        return _("%(code)s accepted. It is due by the end of %(due)s.") % {"code": code, "due": due.isoformat()}
    if action == Action.RETURN_FOR_SUPPLEMENT:
        services.service_request_return(**kwargs, note=note)
        return _("%(code)s returned to the resident for supplement; the clock is paused.") % {"code": code}
    if action == Action.REJECT:
        services.service_request_reject(**kwargs, note=note)
        return _("%(code)s not accepted; the resident sees the reason.") % {"code": code}
    if action == Action.START_REVIEW:
        services.service_request_start_review(**kwargs, note=note)
        return _("Review of %(code)s started.") % {"code": code}
    if action == Action.STEP_DONE:
        services.service_request_step_done(**kwargs, note=note)
        return _("Step done on %(code)s; the next step has started.") % {"code": code}
    if action == Action.APPROVE:
        services.service_request_approve(**kwargs, note=note)
        return _("%(code)s approved. Complete it once the result is issued.") % {"code": code}
    if action == Action.REFUSE:
        services.service_request_refuse(**kwargs, note=note)
        return _("%(code)s refused; the resident sees the reason. Complete it once the decision is issued.") % {
            "code": code}
    if action == Action.COMPLETE:
        services.service_request_complete(**kwargs, note=note)
        return _("%(code)s completed: the result is issued.") % {"code": code}
    if action == Action.CLOSE:
        services.service_request_close(**kwargs, note=note)
        return _("%(code)s closed.") % {"code": code}
    if action == Action.REROUTE:
        department = departments.get(data.get("department"))
        if department is None:
            raise ValidationError({"department": _("Choose a department from the list.")})
        services.service_request_reroute(**kwargs, department=department, note=note)
        return _("%(code)s sent to %(department)s.") % {"code": code, "department": department.name}
    if action == Action.CLAIM:
        services.service_request_claim(**kwargs)
        return _("You now hold %(code)s.") % {"code": code}
    if action in (Action.ASSIGN, Action.TRANSFER):
        assignee = members.get(data.get("assignee"))
        if assignee is None:
            raise ValidationError({"assignee": _("Choose an officer of the department.")})
        if action == Action.ASSIGN:
            services.service_request_assign(**kwargs, assignee=assignee)
            return _("%(code)s assigned to %(name)s.") % {"code": code, "name": assignee}
        services.service_request_transfer(**kwargs, assignee=assignee, note=note)
        return _("%(code)s handed over to %(name)s.") % {"code": code, "name": assignee}
    if action == Action.NOTE:
        services.service_request_note(**kwargs, note=note, internal=data.get("internal", False))
        return _("Note added to %(code)s.") % {"code": code}
    raise ValueError(action)


class _RequestActionMixin:
    """POST one action: parse the form, call its service, redirect back with a message (PRG).

    Missing or bad input (a note the action needs, a department not on the list) re-renders the page
    with the error beside the field and the note kept. A move the request's state no longer allows
    (a double click, a colleague was quicker) or one this user may not make redirects back with the
    service's explanation: nothing was written."""

    detail_view = None

    def load(self, request, pk):
        raise NotImplementedError

    def post(self, request, pk):
        service_request, member = self.load(request, pk)
        page = self.detail_view()
        page.request = request
        detail_url = reverse(f"gov_services:{page.mode}-request-detail", args=[pk])
        action = request.POST.get("action", "")
        if action not in STAFF_ACTIONS or (page.mode == "county" and action not in ADMIN_ACTIONS):
            messages.error(request, _("Unknown action: nothing was done."))
            return HttpResponseRedirect(detail_url)
        departments = {d.pk: d for d in _serving_departments(service_request)} if action == Action.REROUTE else {}
        members = {m.user_id: m for m in department_selectors.department_members(
            department=service_request.department)} if action in (Action.ASSIGN, Action.TRANSFER) else {}
        form = RequestActionForm(request.POST, action=action,
                                 departments=[(pk_, d.name) for pk_, d in departments.items()],
                                 members=[(pk_, str(m.user)) for pk_, m in members.items()])
        if action not in allowed_actions(service_request.status):
            messages.warning(request, self.stale_message(service_request, action))
            return HttpResponseRedirect(detail_url)
        if not form.is_valid():
            return page.render_page(request, service_request, member, bound=form)
        try:
            message = _perform(action, service_request=service_request, actor=request.user,
                               data=form.cleaned_data, members={pk_: m.user for pk_, m in members.items()},
                               departments=departments)
        except TransitionNotAllowed:
            messages.warning(request, self.stale_message(service_request, action))
            return HttpResponseRedirect(detail_url)
        except PermissionDenied as error:
            messages.error(request, _("Nothing was done: %(reason)s") % {"reason": _reason(error)})
            return HttpResponseRedirect(detail_url)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.warning(request, _("Nothing was done: %(reason)s") % {"reason": " ".join(error.messages)})
                return HttpResponseRedirect(detail_url)
            errors_onto(form, error)
            return page.render_page(request, service_request, member, bound=form)
        messages.success(request, message)
        return HttpResponseRedirect(self.success_url(request, service_request, action, detail_url))

    def stale_message(self, service_request, action) -> str:
        service_request.refresh_from_db(fields=["status"])
        return _("Nothing was done: “%(action)s” is not possible now that the request is “%(status)s”. "
                 "It may have been done already (a second click) or by a colleague.") % {
            "action": Action(action).label, "status": service_request.get_status_display()}

    def success_url(self, request, service_request, action, detail_url) -> str:
        return detail_url


def _reason(error: PermissionDenied) -> str:
    return str(error) or _("you may not do this.")


class DepartmentRequestActionView(DepartmentStaffMixin, _RequestActionMixin, View):
    detail_view = DepartmentRequestDetailView

    def load(self, request, pk):
        return _officer_request(request.user, pk)

    def success_url(self, request, service_request, action, detail_url) -> str:
        if action == Action.REROUTE:
            # The request has left the department: its page is no longer ours to show.
            return reverse("gov_services:dept-home")
        return _safe_next(request, detail_url)


class CountyRequestActionView(CountyStaffMixin, _RequestActionMixin, View):
    detail_view = CountyRequestDetailView

    def load(self, request, pk):
        return request_selectors.access_service_request_by_id(user=request.user, request_id=pk), None


# --- Files ---------------------------------------------------------------------------------------

class AttachmentDownloadView(RequestFilesMixin, View):
    """A request's scan, for whoever may see the request: a sound image opens in the browser, anything
    else (a PDF too) and ?download=1 download (core.http.user_file_response)."""

    def get(self, request, pk):
        attachment = request_selectors.attachment_for_download(user=request.user, attachment_id=pk)
        return user_file_response(attachment.file, filename=attachment.original_name,
                                  preview=request.GET.get("download") != "1")


class AttachmentPageView(RequestFilesMixin, View):
    """One page of a PDF scan as a JPEG (`?page=` from 1, `?size=thumb|view`), drawn on the server for the
    scan viewer, for whoever may see the request; 404 for a page the PDF does not have or a scan that is not
    a PDF."""

    def get(self, request, pk):
        attachment = request_selectors.attachment_for_download(user=request.user, attachment_id=pk)
        page = int_or_none(request.GET.get("page"), low=1) or 1
        size = request.GET.get("size") if request.GET.get("size") in PAGE_WIDTHS else "view"
        if attachment.content_type != "application/pdf":
            raise Http404(_("This scan is not a PDF."))
        try:
            picture = stored_pdf_page_jpeg(attachment.file, page=page, size=size)
        except (PdfPageError, FileNotFoundError) as error:
            raise Http404(_("This page of the scan cannot be shown; download the file instead.")) from error
        return private_image_response(picture, content_type="image/jpeg")


class RequestSignatureView(RequestFilesMixin, View):
    """The resident's signature from the pad (PNG), for whoever may see the request."""

    def get(self, request, pk):
        service_request = request_selectors.access_service_request_by_id(user=request.user, request_id=pk)
        if not service_request.signature:
            raise Http404(_("This request has no signature."))
        return user_file_response(service_request.signature, filename=f"signature-{service_request.tracking_code}",
                                  preview=True)


# --- /county/requests/ -----------------------------------------------------------------------------

class CountyRequestListView(CountyStaffMixin, View):
    """Every request in the admin's region, filtered, newest first, with counts by status."""

    template_name = "gov_services/county_request_list.html"

    def get(self, request):
        user = request.user
        region = _admin_region(user)
        scoped = request_selectors.service_request_list(user=user)
        townships = {r.pk: r for r in region_list(user=user).filter(level=Region.Level.TOWNSHIP).order_by("code")}
        department_choices = list(scoped.order_by("department__code").values_list("department_id", "department__name")
                                  .distinct())
        station_choices = [(s.pk, s.name) for s in station_list(user=user)]
        form = CountyRequestFilterForm(request.GET or None, departments=department_choices,
                                       townships=[(pk, r.name) for pk, r in townships.items()],
                                       stations=station_choices)
        filters = form.filters()
        requests = request_selectors.service_request_list(
            user=user, department_id=filters.get("department"), station_id=filters.get("station"),
            kind=filters.get("kind"), query=filters.get("q"), township=townships.get(filters.get("township")),
            category=filters.get("category"), submitted_from=filters.get("date_from"),
            submitted_to=filters.get("date_to"), overdue=bool(filters.get("overdue")))
        by_status = dict(requests.order_by().values_list("status").annotate(n=Count("pk")))
        if filters.get("status"):
            requests = requests.filter(status=filters["status"])
        page = Paginator(requests, COUNTY_PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = _decorate(page.object_list)
        return TemplateResponse(request, self.template_name, {
            "form": form,
            "filtered": bool(filters),
            "status_counts": [{"value": value, "label": label, "count": by_status.get(value, 0)}
                              for value, label in Status.choices],
            "total": sum(by_status.values()),
            "status": filters.get("status", ""),
            "page_obj": page,
            "requests": page.object_list,
            "region": region,
        })


__all__ = [
    "ACTION_SPECS",
    "AttachmentDownloadView",
    "AttachmentPageView",
    "CountyRequestActionView",
    "CountyRequestDetailView",
    "CountyRequestListView",
    "DepartmentBulkAssignView",
    "DepartmentHomeView",
    "DepartmentRequestActionView",
    "DepartmentRequestDetailView",
    "RequestSignatureView",
    "SavedQueueViewCreateView",
    "SavedQueueViewDeleteView",
]


# --- The rating and the department's appeal of it (申诉) ------------------------------------------------

def rating_panel(service_request: ServiceRequest) -> dict | None:
    """The resident's rating as the department sees it, its appeal, and the appeal form while the
    department may still appeal (a dissatisfied rating, once). None before the request is rated."""
    rating = Rating.objects.filter(request=service_request).first()
    if rating is None:
        return None
    may_appeal = supervision_selectors.appeal_refusal(rating=rating) is None
    return {"rating": rating, "appeal": supervision_selectors.rating_appeal_of(rating=rating),
            "form": RatingAppealForm() if may_appeal else None}


class DepartmentRatingAppealView(DepartmentStaffMixin, View):
    """POST /dept/requests/<pk>/rating-appeal/: an officer or the head of the request's department
    appeals the resident's dissatisfied rating to the county."""

    def post(self, request, pk):
        service_request, _member = _officer_request(request.user, pk)
        detail = reverse("gov_services:dept-request-detail", args=[pk])
        form = RatingAppealForm(request.POST)
        rating = Rating.objects.filter(request=service_request).first()
        if rating is None:
            messages.error(request, _("This request has not been rated."))
            return HttpResponseRedirect(detail)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return HttpResponseRedirect(detail)
        try:
            rating_appeal_submit(rating=rating, actor=request.user,
                                                      submission=form.cleaned_data["submission"],
                                                      reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(detail)
        messages.success(request, _("The appeal has been sent to the county, which will decide on it."))
        return HttpResponseRedirect(detail)
