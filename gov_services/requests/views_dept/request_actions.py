"""The moves posted from a request's page: each calls exactly one service, whose refusals come back as
messages; and the department's appeal of a dissatisfied rating (申诉)."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.service_errors import errors_onto
from core.state_machine import TransitionNotAllowed
from core.timeutil import local_date
from gov_services.certificates.services import certificate_issue_on_approval
from gov_services.identifiers import format_tracking_code
from gov_services.models import Rating, ServiceRequest
from gov_services.requests import services as services
from gov_services.requests.forms_dept import STAFF_ACTIONS, RequestActionForm
from gov_services.requests.selectors import requests as request_selectors
from gov_services.requests.views_dept.access import (
    ADMIN_ACTIONS,
    officer_request,
    safe_next,
    serving_departments,
)
from gov_services.requests.views_dept.request_page import CountyRequestDetailView, DepartmentRequestDetailView
from gov_services.requests.workflow import Action, allowed_actions
from gov_services.selectors import departments as department_selectors
from gov_services.supervision.forms import RatingAppealForm
from gov_services.supervision.services.casework import rating_appeal_submit
from stations.mixins import CountyStaffMixin, DepartmentStaffMixin


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
        with transaction.atomic():  # the approval and its certificate (where the item's is automatic) or neither
            services.service_request_approve(**kwargs, note=note)
            certificate_issue_on_approval(request=service_request)
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


def _reason(error: PermissionDenied) -> str:
    return str(error) or _("you may not do this.")


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
        departments = {d.pk: d for d in serving_departments(service_request)} if action == Action.REROUTE else {}
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


class DepartmentRequestActionView(DepartmentStaffMixin, _RequestActionMixin, View):
    detail_view = DepartmentRequestDetailView

    def load(self, request, pk):
        return officer_request(request.user, pk)

    def success_url(self, request, service_request, action, detail_url) -> str:
        if action == Action.REROUTE:
            # The request has left the department: its page is no longer ours to show.
            return reverse("gov_services:dept-home")
        return safe_next(request, detail_url)


class CountyRequestActionView(CountyStaffMixin, _RequestActionMixin, View):
    detail_view = CountyRequestDetailView

    def load(self, request, pk):
        return request_selectors.access_service_request_by_id(user=request.user, request_id=pk), None


class DepartmentRatingAppealView(DepartmentStaffMixin, View):
    """POST /dept/requests/<pk>/rating-appeal/: an officer or the head of the request's department
    appeals the resident's dissatisfied rating to the county."""

    def post(self, request, pk):
        service_request, _member = officer_request(request.user, pk)
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
