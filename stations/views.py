"""The counter's home (/counter/) and the back office's station pages (/county/…).

Who gets in is stations/scope's rule: the counter for a station's operators and liaisons, the
back office for township and county admins, putting staff to work (or ending it) for county admins
(403 for anyone else; anonymous visitors go to the login page); a station outside the admin's region
is a 404, looked up only once the visitor is let in.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from core.audit import audit_events_for
from stations import selectors, services
from stations.attention import attention_for
from stations.forms import StationStaffForm, StationStatusForm
from stations.mixins import CounterStaffMixin, CountyAdminMixin, CountyStaffMixin
from stations.models import Region, Station, StationService
from stations.navigation import navigation_for
from stations.scope import (
    can_add_station_staff,
    can_change_station_status,
    can_edit_station,
    can_end_staff_assignment,
    scope_for,
)


class CounterHomeView(CounterStaffMixin, TemplateView):
    """The operator's workspace: their own station, its staff and grids."""

    template_name = "stations/counter_home.html"

    def get_context_data(self, **kwargs):
        station = scope_for(self.request.user).counter_station
        return super().get_context_data(
            station=station,
            services=station.services.all(),
            staff=selectors.station_staff(station=station),
            grids=selectors.grid_list(user=self.request.user, station_id=station.pk),
            **kwargs,
        )


class CountyHomeView(CountyStaffMixin, TemplateView):
    """The township/county back office: what needs action, the links by topic, stations by township.
    A superuser with no region of their own sees the first city; on a platform with no region yet they are
    sent to the counties page, whose first step is opening a county."""

    template_name = "stations/county_home.html"

    def get(self, request, *args, **kwargs):
        self.region = scope_for(request.user).admin_region
        if self.region is None:  # a superuser with no region of their own: the whole first city
            self.region = Region.get_root_nodes().filter(level=Region.Level.CITY).first()
        if self.region is None:
            return redirect("stations:county-list")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        region = self.region
        summary = selectors.township_summary(region=region)
        totals = {s: sum(row[s] for row in summary) for s in [*Station.Status.values, "total"]}
        return super().get_context_data(
            region=region, summary=summary, totals=totals, statuses=Station.Status.choices,
            attention=attention_for(user=self.request.user, region=region),
            navigation=navigation_for(scope_for(self.request.user)), **kwargs
        )


class StationListView(CountyStaffMixin, ListView):
    template_name = "stations/station_list.html"
    context_object_name = "stations"
    paginate_by = 50

    def get_queryset(self):
        params = self.request.GET
        township = params.get("township")
        return selectors.station_list(
            user=self.request.user,
            township_id=int(township) if township and township.isdigit() else None,
            status=params.get("status") or None,
            service=params.get("service") or None,
        )

    def get_context_data(self, **kwargs):
        townships = selectors.region_list(user=self.request.user).filter(level=Region.Level.TOWNSHIP)
        return super().get_context_data(
            townships=townships,
            statuses=Station.Status.choices,
            services=StationService.Kind.choices,
            **kwargs,
        )


class StationDetailView(CountyStaffMixin, DetailView):
    template_name = "stations/station_detail.html"
    context_object_name = "station"

    def get_object(self, queryset=None):
        return selectors.access_station_by_id(user=self.request.user, station_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        station, user = self.object, self.request.user
        staff = list(selectors.station_staff(station=station))
        for assignment in staff:
            assignment.station = station  # the predicate reads the station's place
            assignment.can_end = can_end_staff_assignment(user, assignment)
        can_change = can_change_station_status(user, station) and bool(station.allowed_statuses())
        return super().get_context_data(
            services=station.services.all(),
            staff=staff,
            grids=selectors.grid_list(user=user, station_id=station.pk),
            status_form=StationStatusForm(station=station) if can_change else None,
            staff_form=(StationStaffForm(accounts=selectors.staff_account_list(user=user))
                        if can_add_station_staff(user, station) else None),
            can_edit=can_edit_station(user, station),
            can_end_staff=any(assignment.can_end for assignment in staff),
            history=audit_events_for(station)[:20],
            **kwargs,
        )


class StationFormMixin:
    """A form posted about one station of the admin's region: `self.station` is looked up after the
    workspace check (someone without the workspace gets 403, not a 404) and before the form is read;
    errors go back to the station's page as messages."""

    http_method_names = ["post"]
    station: Station

    def post(self, request, *args, **kwargs):
        self.station = selectors.access_station_by_id(user=request.user, station_id=kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        return self._back([e for errors in form.errors.values() for e in errors])

    def _back(self, errors):
        for error in errors:
            messages.error(self.request, error)
        return redirect("stations:station-detail", pk=self.station.pk)


class StationStatusChangeView(CountyStaffMixin, StationFormMixin, FormView):
    """An admin moves a station along its build status (planned → building → open …); the service
    refuses anyone else (403, nothing changed)."""

    form_class = StationStatusForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "station": self.station}

    def form_valid(self, form):
        try:
            services.station_status_change(station=self.station, status=form.cleaned_data["status"],
                                           reason=form.cleaned_data["reason"], actor=self.request.user)
        except ValidationError as error:
            return self._back(error.messages)
        messages.success(self.request, _("Station status updated."))
        return redirect("stations:station-detail", pk=self.station.pk)


class StationStaffAddView(CountyAdminMixin, StationFormMixin, FormView):
    """A county admin puts an operator or liaison to work at a station (creating their login if new)."""

    form_class = StationStaffForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "accounts": selectors.staff_account_list(user=self.request.user)}

    def form_valid(self, form):
        try:
            assignment, password = services.station_staff_add(station=self.station, actor=self.request.user,
                                                              **form.cleaned_data)
        except ValidationError as error:
            return self._back(error.messages)
        # Rendered, not redirected: the one-time password must not travel in a message cookie.
        return render(self.request, "stations/staff_added.html",
                      {"station": self.station, "assignment": assignment, "initial_password": password})


class StationStaffEndView(CountyAdminMixin, View):
    def post(self, request, pk, assignment_id):
        station = selectors.access_station_by_id(user=request.user, station_id=pk)
        assignment = get_object_or_404(selectors.station_staff(station=station), pk=assignment_id)
        try:
            services.staff_assignment_end(assignment=assignment, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(user)s no longer works at this station.") % {"user": assignment.user})
        return redirect("stations:station-detail", pk=station.pk)
