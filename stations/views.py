from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from core.audit import audit_events_for
from stations import selectors, services
from stations.forms import StationStaffForm, StationStatusForm
from stations.models import Region, Station, StationService


class CounterHomeView(LoginRequiredMixin, TemplateView):
    """The operator's workspace: their own station, its staff and grids."""

    template_name = "stations/counter_home.html"

    def get_context_data(self, **kwargs):
        station = selectors.counter_station_for(user=self.request.user)
        if station is None:
            raise PermissionDenied(_("Your account is not assigned to a station."))
        return super().get_context_data(
            station=station,
            services=station.services.all(),
            staff=selectors.station_staff(station=station),
            grids=selectors.grid_list(user=self.request.user, station_id=station.pk),
            **kwargs,
        )


class CountyHomeView(LoginRequiredMixin, TemplateView):
    """The township/county back office: stations by township and status."""

    template_name = "stations/county_home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        region = selectors.admin_region_for(user=user)
        if region is None and user.is_superuser:
            region = Region.get_root_nodes().filter(level=Region.Level.CITY).first()
        if region is None:
            raise PermissionDenied(_("Your account is not assigned to a township or county."))
        summary = selectors.township_summary(region=region)
        totals = {s: sum(row[s] for row in summary) for s in [*Station.Status.values, "total"]}
        return super().get_context_data(
            region=region, summary=summary, totals=totals, statuses=Station.Status.choices, **kwargs
        )


class StationListView(LoginRequiredMixin, ListView):
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


class StationDetailView(LoginRequiredMixin, DetailView):
    template_name = "stations/station_detail.html"
    context_object_name = "station"

    def get_object(self, queryset=None):
        return selectors.access_station_by_id(user=self.request.user, station_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        station = self.object
        can_change = self.request.user.has_perm("stations.change_station") and bool(station.allowed_statuses())
        return super().get_context_data(
            services=station.services.all(),
            staff=selectors.station_staff(station=station),
            grids=selectors.grid_list(user=self.request.user, station_id=station.pk),
            status_form=StationStatusForm(station=station) if can_change else None,
            staff_form=StationStaffForm() if self.request.user.has_perm("stations.add_staffassignment") else None,
            can_end_staff=self.request.user.has_perm("stations.change_staffassignment"),
            history=audit_events_for(station)[:20],
            **kwargs,
        )


class StationStatusChangeView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """An admin moves a station along its build status (planned → building → open …)."""

    permission_required = "stations.change_station"
    form_class = StationStatusForm
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.station = selectors.access_station_by_id(user=request.user, station_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

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

    def form_invalid(self, form):
        return self._back([e for errors in form.errors.values() for e in errors])

    def _back(self, errors):
        for error in errors:
            messages.error(self.request, error)
        return redirect("stations:station-detail", pk=self.station.pk)


class StationStaffAddView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """A county admin puts an operator or liaison to work at a station (creating their login if new)."""

    permission_required = "stations.add_staffassignment"
    form_class = StationStaffForm
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.station = selectors.access_station_by_id(user=request.user, station_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            assignment, password = services.station_staff_add(station=self.station, actor=self.request.user,
                                                              **form.cleaned_data)
        except ValidationError as error:
            return self._back(error.messages)
        # Rendered, not redirected: the one-time password must not travel in a message cookie.
        return render(self.request, "stations/staff_added.html",
                      {"station": self.station, "assignment": assignment, "initial_password": password})

    def form_invalid(self, form):
        return self._back([e for errors in form.errors.values() for e in errors])

    def _back(self, errors):
        for error in errors:
            messages.error(self.request, error)
        return redirect("stations:station-detail", pk=self.station.pk)


class StationStaffEndView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "stations.change_staffassignment"

    def post(self, request, pk, assignment_id):
        station = selectors.access_station_by_id(user=request.user, station_id=pk)
        assignment = get_object_or_404(selectors.station_staff(station=station), pk=assignment_id)
        services.staff_assignment_end(assignment=assignment, actor=request.user)
        messages.success(request, _("%(user)s no longer works at this station.") % {"user": assignment.user})
        return redirect("stations:station-detail", pk=station.pk)
