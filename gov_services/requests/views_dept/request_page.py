"""A request's page: for the officers of its department (/dept/requests/<pk>/) and, read-only but for
rerouting and notes, for the admins of its region (/county/requests/<pk>/): timeline, materials, approval
steps, the rating and the action panel."""


from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.pdf_pages import PdfPageError, stored_pdf_page_count
from core.personal_data import personal_data_view_record
from gov_services.catalogue.eforms import display_rows
from gov_services.certificates.views_issue import certificate_panel
from gov_services.models import Rating, ServiceRequest, StepKind
from gov_services.requests.display import (
    STAFF,
    STEP_OPEN_STATUSES,
    material_checklist,
    step_deadline,
    timeline_rows,
    with_row_display,
)
from gov_services.requests.forms_dept import ACTION_SPECS, STAFF_ACTIONS, RequestActionForm
from gov_services.requests.forms_reports import PublicReplyForm
from gov_services.requests.selectors import requests as request_selectors
from gov_services.requests.services.reports import may_reply_publicly
from gov_services.requests.services.steps import current_step, request_steps, step_refusal
from gov_services.requests.steps import STEP_ACTIONS
from gov_services.requests.views_dept.access import (
    ADMIN_ACTIONS,
    belongs_to_step,
    may_take,
    officer_request,
    serving_departments,
)
from gov_services.requests.workflow import Action, allowed_actions
from gov_services.selectors import departments as department_selectors
from gov_services.selectors.calendar import work_calendar
from gov_services.supervision import selectors as supervision_selectors
from gov_services.supervision.forms import RatingAppealForm
from stations.mixins import CountyStaffMixin, DepartmentStaffMixin
from stations.scope import scope_for

Status = ServiceRequest.Status


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
        deadline = step_deadline(step, is_current=step is current, request=service_request, now=now,
                                 calendar=calendar)
        if step.done_at is not None:
            who = step.done_by
        elif step is current and service_request.status in STEP_OPEN_STATUSES:
            who = service_request.assignee
        else:
            who = None
        rows.append({"step": step, "deadline": deadline, "who": who, "is_current": step is current,
                     "separate_from": [StepKind(k).label for k in step.separate_from if k in StepKind.values]})
    return rows


def rating_panel(service_request: ServiceRequest) -> dict | None:
    """The resident's rating as the department sees it, its appeal, and the appeal form while the
    department may still appeal (a dissatisfied rating, once). None before the request is rated."""
    rating = Rating.objects.filter(request=service_request).first()
    if rating is None:
        return None
    may_appeal = supervision_selectors.appeal_refusal(rating=rating) is None
    return {"rating": rating, "appeal": supervision_selectors.rating_appeal_of(rating=rating),
            "form": RatingAppealForm() if may_appeal else None}


class RequestPageMixin:
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
        department_choices = ([(d.pk, d.name) for d in serving_departments(service_request)]
                              if Action.REROUTE in actions else [])
        forms = []
        for action in actions:
            if bound is not None and bound.action_name == action:
                forms.append(bound)
            else:
                forms.append(RequestActionForm(action=action, departments=department_choices,
                                               members=member_choices))
        attachments = _with_pdf_pages(list(service_request.attachments.all()))
        checklist = material_checklist(service_request, attachments)
        full_view = self.mode == "dept"
        # The page shows the phone number in full, the ID number too for the handling department (PIPL log).
        personal_data_view_record(
            viewer=user, target=service_request,
            fields=[name for name, shown in (("applicant_id_number", full_view),
                                             ("applicant_phone", bool(service_request.applicant_phone))) if shown],
            purpose=_("handling the request in the department") if full_view else _("supervising the request"))
        schema = service_request.item.form_schema if service_request.item_id else []
        with_row_display([service_request])
        return TemplateResponse(request, self.template_name, {
            "sr": service_request,
            "member": member,
            "mode": self.mode,
            "show_full_id": full_view,
            "id_shown": service_request.applicant_id_number if full_view else service_request.masked_id_number,
            "form_rows": display_rows(schema, service_request.form_data, mask=not full_view)
            if service_request.form_data else [],
            "materials": checklist.lines,
            "other_attachments": checklist.others,
            "timeline": timeline_rows(service_request, audience=STAFF),
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


class DepartmentRequestDetailView(DepartmentStaffMixin, RequestPageMixin, View):
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
                and belongs_to_step(a, current, has_steps=bool(self.steps))], blocked

    def get(self, request, pk):
        service_request, member = officer_request(request.user, pk)
        return self.render_page(request, service_request, member)


class CountyRequestDetailView(CountyStaffMixin, RequestPageMixin, View):
    template_name = "gov_services/county_request_detail.html"
    mode = "county"

    def available_actions(self, service_request, member) -> tuple[list[str], str]:
        scope = scope_for(self.request.user)
        return [a for a in allowed_actions(service_request.status)
                if a in ADMIN_ACTIONS and may_take(scope, a, service_request)], ""

    def get(self, request, pk):
        service_request = request_selectors.access_service_request_by_id(user=request.user, request_id=pk)
        return self.render_page(request, service_request, None)
