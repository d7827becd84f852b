"""The supervision screens under /county/supervision/: the board of cards by department and township with
drill-down, the escalation timeline and task list with the outcome form, the department assessment
ranking, and the county's settings and escalation chain.

Township and county admins (scoped to their region) and superusers look; county admins and superusers
edit the settings and record outcomes. Everyone else gets 403. Views parse input, check access, call
one service or selector, and render.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from core.http import int_or_none
from core.personal_data import personal_data_view_record
from core.service_errors import errors_onto
from core.views import ServiceFormView
from gov_services.identifiers import format_tracking_code
from gov_services.models import Escalation, FollowUp, RatingAppeal
from gov_services.requests.display import with_row_display
from gov_services.selectors.calendar import work_calendar
from gov_services.supervision import selectors
from gov_services.supervision.department_assessment import department_assessment
from gov_services.supervision.filters import BoardFilter, EscalationFilter
from gov_services.supervision.forms import (
    AssessmentMonthForm,
    EscalationOutcomeForm,
    EscalationStepForm,
    FollowUpCallbackForm,
    FollowUpFilterForm,
    RatingAppealDecisionForm,
    SupervisionSettingsForm,
)
from gov_services.supervision.services import casework, county_settings
from stations.mixins import WorkspaceMixin

PAGE_SIZE = 30


class SupervisionMixin(WorkspaceMixin):
    """Township and county admins look (403 for anyone else); views that change the county's settings or
    decide for it ask `is_county_admin` instead (county admins and superusers)."""

    required_post = "is_county_staff"
    refusal = gettext_lazy("Supervision is for county and township admins.")

    @cached_property
    def county(self):
        """The county being supervised (read once the workspace is checked)."""
        return selectors.supervision_county_for(user=self.request.user,
                                                county_id=int_or_none(self.request.GET.get("county")))

    def base_context(self) -> dict:
        user = self.request.user
        return {"county": self.county, "counties": selectors.supervision_county_list(user=user),
                "scope": selectors.supervision_scope_region(user=user, county=self.county),
                "can_manage": selectors.can_manage_supervision(user=user)}


class SupervisionBoardView(SupervisionMixin, View):
    template_name = "gov_services/supervision/board.html"

    def get(self, request):
        summary = selectors.board_summary(user=request.user, county=self.county)
        open_tasks = selectors.escalation_list(user=request.user, county=self.county, status=Escalation.Status.OPEN,
                                               tasks_only=True)
        recent = selectors.escalation_list(user=request.user, county=self.county)[:8]
        return TemplateResponse(request, self.template_name, {
            **self.base_context(), **summary,
            "open_task_count": open_tasks.count(), "recent": recent, "last_sweep": selectors.last_sweep(),
        })


class SupervisionRequestListView(SupervisionMixin, View):
    """The drill-down: carded open requests by department, township and card."""

    template_name = "gov_services/supervision/request_list.html"

    def get(self, request):
        user = request.user
        summary_departments = selectors.board_summary(user=user, county=self.county)["by_department"]
        search = BoardFilter(request.GET or None, departments=[(r.key, r.name) for r in summary_departments],
                             townships=selectors.board_townships(user=user, county=self.county),
                             queryset=selectors.board_request_list(user=user, county=self.county))
        requests = search.qs
        page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = with_row_display(page.object_list)
        return TemplateResponse(request, self.template_name, {
            **self.base_context(), "form": search.form, "filtered": search.filtered, "page_obj": page,
            "requests": page.object_list})


class EscalationListView(SupervisionMixin, View):
    """The timeline of escalations (newest first); `?status=open&tasks=on` is the task list."""

    template_name = "gov_services/supervision/escalation_list.html"

    def get(self, request):
        escalations = selectors.escalation_list(user=request.user, county=self.county)
        search = EscalationFilter(request.GET or None, queryset=escalations)
        if search.is_valid():
            escalations = search.qs
        page = Paginator(escalations, PAGE_SIZE).get_page(request.GET.get("page"))
        return TemplateResponse(request, self.template_name, {
            **self.base_context(), "form": search.form, "page_obj": page, "escalations": page.object_list,
            "task_list": search.task_list})


class EscalationDetailView(SupervisionMixin, View):
    """One escalation: the request, the step, and the form to record the call and its outcome."""

    template_name = "gov_services/supervision/escalation_detail.html"

    @cached_property
    def escalation(self) -> Escalation:
        return selectors.access_escalation_by_id(user=self.request.user, escalation_id=self.kwargs["pk"])

    def render_page(self, form, status=200):
        escalation = self.escalation
        may_record = (selectors.can_manage_supervision(user=self.request.user)
                      and escalation.status == Escalation.Status.OPEN)
        return TemplateResponse(self.request, self.template_name, {
            **self.base_context(), "escalation": escalation, "sr": escalation.request,
            "code_display": format_tracking_code(escalation.request.tracking_code),
            "cards": selectors.request_cards(request=escalation.request),
            "form": form if may_record else None}, status=status)

    def get(self, request, pk):
        return self.render_page(EscalationOutcomeForm())

    def post(self, request, pk):
        form = EscalationOutcomeForm(request.POST)
        if form.is_valid():
            try:
                casework.escalation_record_outcome(escalation=self.escalation, actor=request.user,
                                                   **form.cleaned_data)
            except ValidationError as error:
                if error.code == "already_recorded":
                    messages.info(request, error.messages[0])
                    return HttpResponseRedirect(request.path)
                errors_onto(form, error)
            else:
                messages.success(request, _("Outcome recorded."))
                return HttpResponseRedirect(request.path)
        return self.render_page(form, status=422)


class FollowUpListView(SupervisionMixin, View):
    """Follow-ups of dissatisfied ratings in the user's region: open (oldest first), overdue, done."""

    template_name = "gov_services/supervision/follow_up_list.html"

    def get(self, request):
        form = FollowUpFilterForm(request.GET or None)
        state, now, calendar = form.chosen_state(), timezone.now(), work_calendar()
        follow_ups = selectors.follow_up_list(user=request.user, county=self.county, state=state, now=now,
                                              calendar=calendar)
        page = Paginator(follow_ups, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        selectors.follow_up_deadlines(follow_ups=rows, county=self.county, now=now, calendar=calendar)
        for row in rows:
            row.code_display = format_tracking_code(row.request.tracking_code)
        return TemplateResponse(request, self.template_name, {
            **self.base_context(), "form": form, "state": state, "page_obj": page, "follow_ups": rows,
            "appealed": selectors.follow_up_list(user=request.user, county=self.county, state="appealed",
                                                 now=now, calendar=calendar).count(),
            "counts": selectors.follow_up_counts(user=request.user, county=self.county, now=now,
                                                 calendar=calendar)})


class FollowUpDetailView(SupervisionMixin, View):
    """One follow-up: the request, the rating, the callbacks so far, and the form to record a callback."""

    template_name = "gov_services/supervision/follow_up_detail.html"

    @cached_property
    def follow_up(self) -> FollowUp:
        """Read after the workspace check: someone without it gets 403 whichever follow-up they name."""
        return selectors.access_follow_up_by_id(user=self.request.user, follow_up_id=self.kwargs["pk"])

    def render_page(self, form, status=200, decision_form=None):
        follow_up, now = self.follow_up, timezone.now()
        selectors.follow_up_deadlines(follow_ups=[follow_up], county=self.county, now=now, calendar=work_calendar())
        rating = getattr(follow_up.request, "rating", None)
        if follow_up.request.applicant_phone:  # shown in full, for the callback (PIPL log)
            personal_data_view_record(viewer=self.request.user, target=follow_up.request, fields=["applicant_phone"],
                                      purpose=_("calling the resident back about the rating"))
        appeal = selectors.rating_appeal_of(rating=rating)
        # Township admins see the appeal; only the county decides it.
        decides = (appeal is not None and appeal.status == RatingAppeal.Status.PENDING
                   and selectors.can_manage_supervision(user=self.request.user))
        return TemplateResponse(self.request, self.template_name, {
            **self.base_context(), "follow_up": follow_up, "sr": follow_up.request,
            "rating": rating, "appeal": appeal,
            "decision_form": (decision_form or RatingAppealDecisionForm()) if decides else None,
            "code_display": format_tracking_code(follow_up.request.tracking_code),
            "callbacks": selectors.follow_up_callbacks(follow_up=follow_up),
            "form": form if follow_up.status == FollowUp.Status.OPEN else None}, status=status)

    def get(self, request, pk):
        return self.render_page(FollowUpCallbackForm())

    def post(self, request, pk):
        form = FollowUpCallbackForm(request.POST)
        if form.is_valid():
            try:
                casework.follow_up_record_callback(follow_up=self.follow_up, actor=request.user,
                                                   **form.cleaned_data)
            except ValidationError as error:
                if error.code == "already_closed":
                    messages.info(request, error.messages[0])
                    return HttpResponseRedirect(request.get_full_path())
                errors_onto(form, error)
            else:
                messages.success(request, _("Callback recorded."))
                return HttpResponseRedirect(request.get_full_path())
        return self.render_page(form, status=422)


class FollowUpAppealDecideView(FollowUpDetailView):
    """POST …/follow-ups/<pk>/appeal/: the county upholds or rejects the department's appeal of the
    rating. Township admins, who see the appeal, get 403 here; the service also refuses anyone but an
    admin of the request's county."""

    required_post = "is_county_admin"
    refusal = gettext_lazy("Only the county decides appeals of ratings.")

    def get(self, request, pk):
        return HttpResponseRedirect(reverse("gov_services:follow-up-detail", args=[self.follow_up.pk]))

    def post(self, request, pk):
        detail = reverse("gov_services:follow-up-detail", args=[pk])
        appeal = selectors.rating_appeal_of(rating=getattr(self.follow_up.request, "rating", None))
        if appeal is None:
            return HttpResponseRedirect(detail)
        form = RatingAppealDecisionForm(request.POST)
        if form.is_valid():
            try:
                casework.rating_appeal_decide(appeal=appeal, actor=request.user,
                                              upheld=form.cleaned_data["decision"] == "upheld",
                                              note=form.cleaned_data["note"])
            except ValidationError as error:
                if error.code == "already_decided":
                    messages.info(request, error.messages[0])
                    return HttpResponseRedirect(detail)
                errors_onto(form, error)
            else:
                messages.success(request, _("The appeal has been decided."))
                return HttpResponseRedirect(detail)
        return self.render_page(FollowUpCallbackForm(), status=422, decision_form=form)


class DepartmentAssessmentView(SupervisionMixin, View):
    """人机考核: departments ranked by their score for one month."""

    template_name = "gov_services/supervision/assessment.html"

    def get(self, request):
        form = AssessmentMonthForm(request.GET or None)
        month = form.month_or(timezone.localdate())
        rows = department_assessment(user=request.user, county=self.county, month=month)
        config = selectors.supervision_settings_for(county=self.county)
        return TemplateResponse(request, self.template_name, {
            **self.base_context(), "form": form, "month": month, "rows": rows, "config": config,
            "month_value": f"{month:%Y-%m}"})


class SupervisionSettingsView(SupervisionMixin, View):
    """The county's thresholds, expiry and assessment weights, and its escalation chain (edit: county admins)."""

    template_name = "gov_services/supervision/settings.html"

    def render_page(self, form, status=200):
        return TemplateResponse(self.request, self.template_name, {
            **self.base_context(), "form": form,
            "steps": selectors.escalation_step_list(county=self.county)}, status=status)

    def get(self, request):
        config = selectors.supervision_settings_for(county=self.county)
        return self.render_page(SupervisionSettingsForm(initial=SupervisionSettingsForm.initial_for(config)))

    def post(self, request):
        if not selectors.can_manage_supervision(user=request.user):
            raise PermissionDenied(_("Only county admins may change the supervision settings."))
        form = SupervisionSettingsForm(request.POST)
        if form.is_valid():
            try:
                county_settings.supervision_settings_update(county=self.county, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_onto(form, error)
            else:
                messages.success(request, _("Supervision settings saved."))
                return HttpResponseRedirect(_settings_url(request, self.county))
        return self.render_page(form, status=422)


def _settings_url(request, county) -> str:
    url = reverse("gov_services:supervision-settings")
    return f"{url}?county={county.pk}" if request.user.is_superuser else url


class _StepEditView(SupervisionMixin, ServiceFormView):
    template_name = "gov_services/supervision/step_form.html"
    required_post = "is_county_admin"
    refusal = gettext_lazy("Only county admins may change the supervision settings.")
    step = None

    def render_form(self, form, status=200):
        return TemplateResponse(self.request, self.template_name, {
            **self.base_context(), "form": form, "step": self.step,
            "settings_url": _settings_url(self.request, self.county)}, status=status)

    def form(self, data=None):
        return EscalationStepForm(data, initial=EscalationStepForm.initial_for(self.step) if self.step else None)

    def after_save(self, step) -> str:
        messages.success(self.request, _("Escalation step saved."))
        return _settings_url(self.request, self.county)


class EscalationStepCreateView(_StepEditView):
    def save(self, data):
        data.pop("is_active", None)
        return county_settings.escalation_step_create(county=self.county, actor=self.request.user, **data)


class EscalationStepUpdateView(_StepEditView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.step = selectors.access_escalation_step_by_id(user=request.user, step_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def save(self, data):
        self.county = self.step.county
        return county_settings.escalation_step_update(step=self.step, actor=self.request.user, **data)
