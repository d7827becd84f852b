"""County settings in the back office: the appeal routing-rule table (/county/routing/) and the
holiday calendar (/county/calendar/).

County admins (of their county) and superusers edit; township admins look; everyone else gets
403. Views parse input, check access, call one service or selector, and render.
"""


from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import View

from core.http import int_or_none
from core.service_errors import errors_onto
from core.views import ServiceFormView
from gov_services.forms_settings import CalendarDayForm, RouteTestForm, RoutingRuleForm
from gov_services.models import CalendarDay
from gov_services.selectors import calendar as calendar_selectors
from gov_services.selectors import routing_rules as selectors
from gov_services.selectors.routing import appeal_department_for, dispatch_desk_for
from gov_services.services import calendar as calendar_services
from gov_services.services import routing as routing_services


class SettingsViewMixin(LoginRequiredMixin):
    """Township admins may look; `edit = True` views are for county admins and superusers."""

    edit = False
    needs_county = True  # the calendar is national: its screens need no county

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            allowed = (selectors.can_edit_settings if self.edit else selectors.can_view_settings)(user=request.user)
            if not allowed:
                raise PermissionDenied(_("The county settings are for county and township admins."))
            if self.needs_county:
                self.county = selectors.settings_county_for(user=request.user,
                                                            county_id=int_or_none(request.GET.get("county")))
        return super().dispatch(request, *args, **kwargs)

    def list_url(self) -> str:
        url = reverse("gov_services:routing-rule-list")
        return f"{url}?county={self.county.pk}" if self.request.user.is_superuser else url


# ---------------------------------------------------------------------------------------------
# Routing rules
# ---------------------------------------------------------------------------------------------

class RoutingRuleListView(SettingsViewMixin, View):
    template_name = "gov_services/settings_routing_list.html"

    def get(self, request):
        user = request.user
        try:
            desk, desk_error = dispatch_desk_for(county=self.county), None
        except ValidationError as error:
            desk, desk_error = None, error.messages[0]
        villages = selectors.routing_village_choices(county=self.county)
        test_form, routed_to, test_error = RouteTestForm(villages=villages), None, None
        if "test" in request.GET:
            test_form = RouteTestForm(request.GET, villages=villages)
            if test_form.is_valid():
                data = test_form.cleaned_data
                try:
                    routed_to = appeal_department_for(county=self.county, category=data["category"],
                                                      village=data["village"], text=data["text"])
                except ValidationError as error:
                    test_error = error.messages[0]
        return TemplateResponse(request, self.template_name, {
            "county": self.county,
            "counties": selectors.settings_county_list(user=user),
            "rules": selectors.routing_rule_list(user=user, county=self.county),
            "desk": desk, "desk_error": desk_error,
            "can_edit": selectors.can_edit_settings(user=user),
            "test_form": test_form, "routed_to": routed_to, "test_error": test_error,
        })


class _RoutingRuleEditView(SettingsViewMixin, ServiceFormView):
    template_name = "gov_services/settings_routing_form.html"
    edit = True
    rule = None

    def form(self, data=None):
        initial = RoutingRuleForm.initial_for(self.rule) if self.rule else None
        return RoutingRuleForm(data, initial=initial,
                               regions=selectors.routing_region_choices(county=self.county),
                               departments=selectors.routing_department_choices(county=self.county))

    def render_form(self, form, status=200):
        return TemplateResponse(self.request, self.template_name,
                                {"form": form, "rule": self.rule, "county": self.county,
                                 "list_url": self.list_url()}, status=status)

    def after_save(self, rule) -> str:
        messages.success(self.request, self.success_message)
        return self.list_url()


class RoutingRuleCreateView(_RoutingRuleEditView):
    @property
    def success_message(self):
        return _("Routing rule added.")

    def save(self, data):
        return routing_services.routing_rule_create(actor=self.request.user, county=self.county, **data)


class RoutingRuleUpdateView(_RoutingRuleEditView):
    @property
    def success_message(self):
        return _("Routing rule saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.rule = selectors.access_routing_rule_by_id(user=request.user, rule_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        self.county = self.rule.county
        return super().form(data)

    def save(self, data):
        return routing_services.routing_rule_update(rule=self.rule, actor=self.request.user, **data)


class RoutingRuleDeleteView(SettingsViewMixin, View):
    template_name = "gov_services/settings_confirm_delete.html"
    edit = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.rule = selectors.access_routing_rule_by_id(user=request.user, rule_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        self.county = self.rule.county
        return TemplateResponse(request, self.template_name, {
            "title": _("Delete routing rule"), "object_label": str(self.rule), "cancel_url": self.list_url(),
            "section_title": _("Appeal routing"), "section_url": self.list_url()})

    def post(self, request, pk):
        self.county = self.rule.county
        routing_services.routing_rule_delete(rule=self.rule, actor=request.user)
        messages.success(request, _("Routing rule deleted."))
        return HttpResponseRedirect(self.list_url())


# ---------------------------------------------------------------------------------------------
# Holiday calendar
# ---------------------------------------------------------------------------------------------

def _calendar_url(year: int | None = None) -> str:
    url = reverse("gov_services:calendar-day-list")
    return f"{url}?year={year}" if year else url


class CalendarDayListView(SettingsViewMixin, View):
    needs_county = False
    template_name = "gov_services/settings_calendar_list.html"

    def get(self, request):
        today = timezone.localdate()
        year = int_or_none(request.GET.get("year"))
        year = year if year and 1900 < year < 2200 else today.year
        days = list(selectors.calendar_day_list(user=request.user, year=year))
        return TemplateResponse(request, self.template_name, {
            "year": year, "previous_year": year - 1, "next_year": year + 1,
            "official_published": year in calendar_selectors.official_years(),
            "official_loaded": any(d.source == CalendarDay.Source.OFFICIAL for d in days),
            "missing_year": calendar_selectors.calendar_year_missing(today=today),
            "holidays": [d for d in days if d.kind == CalendarDay.Kind.HOLIDAY],
            "workdays": [d for d in days if d.kind == CalendarDay.Kind.WORKDAY],
            "can_edit": selectors.can_edit_settings(user=request.user),
        })


class CalendarDayCreateView(SettingsViewMixin, View):
    needs_county = False
    template_name = "gov_services/settings_calendar_form.html"
    edit = True

    def render_form(self, form, status=200):
        return TemplateResponse(self.request, self.template_name, {"form": form}, status=status)

    def get(self, request):
        return self.render_form(CalendarDayForm())

    def post(self, request):
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            try:
                day = calendar_services.calendar_day_add(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_onto(form, error)
            else:
                messages.success(request, _("%(date)s %(name)s added to the calendar.") % {
                    "date": day.date.isoformat(), "name": day.name})
                return HttpResponseRedirect(_calendar_url(day.date.year))
        return self.render_form(form, status=422)


class CalendarYearLoadView(SettingsViewMixin, View):
    """Load a year's official holidays and make-up working days (a button on the calendar page)."""

    needs_county = False
    edit = True

    def post(self, request):
        year = int_or_none(request.POST.get("year"))
        if year is None or not 1900 < year < 2200:
            messages.error(request, _("Choose a year to load."))
            return HttpResponseRedirect(_calendar_url())
        try:
            loaded = calendar_services.calendar_year_load(actor=request.user, year=year)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(year)s: %(added)s official days added; %(kept)s county adjustments kept.")
                             % {"year": year, "added": loaded.added, "kept": len(loaded.kept)})
        return HttpResponseRedirect(_calendar_url(year))


class CalendarDayDeleteView(SettingsViewMixin, View):
    needs_county = False
    template_name = "gov_services/settings_confirm_delete.html"
    edit = True

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.day = selectors.access_calendar_day_by_id(user=request.user, day_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        return TemplateResponse(request, self.template_name, {
            "title": _("Delete calendar day"),
            "object_label": f"{self.day.date.isoformat()} {self.day.name} ({self.day.get_kind_display()})",
            "cancel_url": _calendar_url(self.day.date.year),
            "section_title": _("Holiday calendar"), "section_url": _calendar_url(self.day.date.year)})

    def post(self, request, pk):
        year: int = self.day.date.year
        calendar_services.calendar_day_delete(day=self.day, actor=request.user)
        messages.success(request, _("Calendar day deleted."))
        return HttpResponseRedirect(_calendar_url(year))


