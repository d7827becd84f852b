"""Grids and households: the county's grid overview and set-up (/county/grids/…), a grid's households
(/grids/…), a household's record (/households/…) and the household import (/county/households/import/).

Who gets in is stations/mixins.py's; which rows each sees is the selectors' (a row out of scope: 404);
what each may do is stations/scope's predicates, enforced by the services (403, nothing changed).
Lists show personal data masked (core/masking.py); a household's own page and its edit form show it in
full, and each showing is an audit event (services_households.household_view_full).
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from core.audit import audit_events_for
from core.http import int_or_none
from core.import_jobs import access_import_job_by_id
from core.import_views import ImportPageMixin
from core.service_errors import errors_onto
from core.views import ImportJobStatusView
from stations import households_io, selectors_households
from stations import services_households as services
from stations.forms_households import (
    GridForm,
    GridLiaisonForm,
    HouseholdForm,
    HouseholdImportForm,
    ImportApplyForm,
    MemberFormSet,
    member_initial,
)
from stations.mixins import CountyStaffMixin, GridStaffMixin, HouseholdKeeperMixin
from stations.models import Grid, Household, Region
from stations.retention import HOUSEHOLD_DAYS
from stations.scope import (
    can_change_grid_liaison,
    can_import_households,
    can_keep_households,
    can_plan_grids,
    scope_for,
)
from stations.selectors import access_station_by_id, region_list, station_list


class LoadsObjectMixin:
    """Looks up the page's object (`load`) once the workspace mixins before it in the bases have let the user
    in: someone without the workspace gets 403 whatever the id; inside it, a foreign or missing id is a 404."""

    def dispatch(self, request, *args, **kwargs):
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)


# --- grids (the back office) -----------------------------------------------------------------------------

class GridListView(CountyStaffMixin, ListView):
    """Every grid in the admin's region with its household count against the 50–100 guideline."""

    template_name = "stations/grid_list.html"
    context_object_name = "grids"
    paginate_by = 100

    def get_queryset(self):
        params = self.request.GET
        return selectors_households.grid_overview(
            user=self.request.user, township_id=int_or_none(params.get("township")),
            station_id=int_or_none(params.get("station")), outside_only=params.get("outside") == "on")

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            townships=region_list(user=user).filter(level=Region.Level.TOWNSHIP).order_by("code"),
            bounds=Grid.RECOMMENDED_HOUSEHOLDS, can_import=can_import_households(user),
            can_plan=user.has_perm("stations.add_grid"), **kwargs)


class GridCreateView(CountyStaffMixin, View):
    """Set up a grid: first the station (?station=<id>), then its name and liaison (one of the station's)."""

    template_name = "stations/grid_form.html"

    def get(self, request):
        station = self._station(request.GET.get("station"))
        form = GridForm(liaisons=selectors_households.station_liaisons(station=station)) if station else None
        return self._render(station, form)

    def post(self, request):
        station = self._station(request.POST.get("station"), refuse=True)
        form = GridForm(request.POST, liaisons=selectors_households.station_liaisons(station=station))
        if form.is_valid():
            try:
                grid = services.grid_create(station=station, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_onto(form, error, fallback="name")
            else:
                messages.success(request, _("Grid “%(name)s” set up at %(station)s.")
                                 % {"name": grid.name, "station": station.name})
                return redirect("stations:grid-detail", pk=grid.pk)
        return self._render(station, form)

    def _station(self, value, *, refuse: bool = False):
        """The station named by the request, in the admin's scope (else 404); a station they may not plan
        grids at is refused (403)."""
        station_id = int_or_none(value)
        if station_id is None:
            if refuse:
                raise PermissionDenied(_("Choose the station first."))
            return None
        station = access_station_by_id(user=self.request.user, station_id=station_id)
        if not can_plan_grids(self.request.user, station):
            raise PermissionDenied(_("Only the admins of the station's region may set up its grids."))
        return station

    def _render(self, station, form):
        stations = station_list(user=self.request.user) if station is None else None
        return TemplateResponse(self.request, self.template_name, {"station": station, "form": form,
                                                                   "stations": stations})


class GridLiaisonChangeView(CountyStaffMixin, LoadsObjectMixin, FormView):
    """Give a grid to another of its station's liaisons, or to no one."""

    template_name = "stations/grid_liaison_form.html"
    form_class = GridLiaisonForm

    def load(self, pk):
        self.grid = selectors_households.access_grid_by_id(user=self.request.user, grid_id=pk)
        if not can_change_grid_liaison(self.request.user, self.grid):
            raise PermissionDenied(_("Only the admins of the station's region may choose a grid's liaison."))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "initial": {"liaison": self.grid.liaison_id},
                "liaisons": selectors_households.station_liaisons(station=self.grid.station)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(grid=self.grid, **kwargs)

    def form_valid(self, form):
        try:
            services.grid_liaison_change(grid=self.grid, liaison=form.cleaned_data["liaison"], actor=self.request.user)
        except ValidationError as error:
            errors_onto(form, error, fallback="liaison")
            return self.form_invalid(form)
        messages.success(self.request, _("The grid's liaison is saved."))
        return redirect("stations:grid-detail", pk=self.grid.pk)


# --- a grid's households ------------------------------------------------------------------------------------

class GridDetailView(GridStaffMixin, View):
    """A grid's households, personal data masked; ?flag=<care flag> keeps those with it."""

    def get(self, request, pk):
        grid = selectors_households.access_grid_by_id(user=request.user, grid_id=pk)
        households = selectors_households.grid_households(grid=grid)
        flag = request.GET.get("flag")
        if flag in Household.CARE_FLAGS:
            households = households.filter(**{flag: True})
        user = request.user
        return TemplateResponse(request, "stations/grid_detail.html", {
            "grid": grid, "households": households, "flag": flag if flag in Household.CARE_FLAGS else "",
            "flags": [(name, Household._meta.get_field(name).verbose_name) for name in Household.CARE_FLAGS],
            "household_count": grid.households.count(), "bounds": Grid.RECOMMENDED_HOUSEHOLDS,
            "can_see_in_full": scope_for(user).can_see_households_in_full(grid),
            "can_keep": can_keep_households(user, grid), "can_change_liaison": can_change_grid_liaison(user, grid),
        })


class HouseholdFormMixin:
    """Shared by add and edit: the household form, the members formset, the service's errors put back."""

    template_name = "stations/household_form.html"
    household = None

    def forms(self, data=None):
        form = HouseholdForm(data, initial=self.initial())
        formset = MemberFormSet(data, prefix="members", initial=None if data else member_initial(self.household))
        return form, formset

    def initial(self) -> dict:
        if self.household is None:
            return {}
        return {key: getattr(self.household, key) for key in ("house_number", *households_io.HOUSEHOLD_FIELDS)}

    def render_forms(self, form, formset, member_errors=()):
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "formset": formset, "grid": self.grid, "household": self.household,
            "member_errors": list(member_errors)})

    def get(self, request, pk):
        return self.render_forms(*self.forms())

    def post(self, request, pk):
        form, formset = self.forms(request.POST)
        if not (form.is_valid() & formset.is_valid()):
            return self.render_forms(form, formset)
        members = [member for member in (f.member() for f in formset.forms) if member is not None]
        fields = {key: form.cleaned_data[key] for key in ("house_number", *households_io.HOUSEHOLD_FIELDS)}
        try:
            household = self.save(fields, members)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            member_errors = errors.pop("members", [])
            for field, texts in errors.items():
                form.add_error(field if field in form.fields else None, texts)
            return self.render_forms(form, formset, member_errors)
        messages.success(request, _("Household %(number)s saved.") % {"number": household.house_number})
        return redirect("stations:household-detail", pk=household.pk)


class HouseholdCreateView(HouseholdKeeperMixin, LoadsObjectMixin, HouseholdFormMixin, View):
    def load(self, pk):
        self.grid = selectors_households.access_grid_by_id(user=self.request.user, grid_id=pk)

    def save(self, fields, members):
        return services.household_create(grid=self.grid, actor=self.request.user, members=members, **fields)


class HouseholdUpdateView(HouseholdKeeperMixin, LoadsObjectMixin, HouseholdFormMixin, View):
    def load(self, pk):
        self.household = selectors_households.access_household_by_id(user=self.request.user, household_id=pk)
        self.grid = self.household.grid

    def get(self, request, pk):
        # The form shows the household in full: an audited showing like its page.
        services.household_view_full(household=self.household, actor=request.user)
        return super().get(request, pk)

    def save(self, fields, members):
        services.household_update(household=self.household, actor=self.request.user, members=members, **fields)
        return self.household


class HouseholdLeftView(HouseholdKeeperMixin, LoadsObjectMixin, View):
    """POST left=1: the household moved out or was deregistered (the register's retention period starts);
    left=0: it came back. Asked twice, the second changes nothing."""

    def load(self, pk):
        self.household = selectors_households.access_household_by_id(user=self.request.user, household_id=pk)

    def post(self, request, pk):
        left = request.POST.get("left") == "1"
        services.household_mark_left(household=self.household, actor=request.user, left=left)
        if left:
            messages.success(request, _("Household %(number)s is marked as moved out. Its members' personal data "
                                        "is deleted %(days)s days from today.")
                             % {"number": self.household.house_number, "days": HOUSEHOLD_DAYS})
        else:
            messages.success(request, _("Household %(number)s is in the register again.")
                             % {"number": self.household.house_number})
        return redirect("stations:household-detail", pk=self.household.pk)


class HouseholdDetailView(GridStaffMixin, View):
    """A household in full: its members with ID and phone numbers. Each showing is audited."""

    def get(self, request, pk):
        household = selectors_households.access_household_by_id(user=request.user, household_id=pk)
        household = services.household_view_full(household=household, actor=request.user)
        return TemplateResponse(request, "stations/household_detail.html", {
            "household": household, "grid": household.grid, "members": household.members.all(),
            "can_keep": can_keep_households(request.user, household.grid), "retention_days": HOUSEHOLD_DAYS,
            "history": audit_events_for(household)[:10]})


# --- the import ---------------------------------------------------------------------------------------------

class HouseholdImportMixin(CountyStaffMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_import_households(request.user):
            raise PermissionDenied(_("Only township and county admins import households."))
        return super().dispatch(request, *args, **kwargs)


class HouseholdImportView(HouseholdImportMixin, ImportPageMixin, FormView):
    """Upload a CSV/XLSX file: it is checked in the background (a dry run); this page (?job=<id>) shows the
    progress, then what would be created and changed or every bad row, and the button that imports it."""

    template_name = "stations/household_import.html"
    form_class = HouseholdImportForm
    kind = services.HOUSEHOLD_IMPORT

    def job_status_url(self, job) -> str:
        return reverse("stations:household-import-job", args=[job.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            columns=households_io.COLUMNS, relations=households_io.RELATION_LABELS.values(),
            title=_("Import households"), back_url=reverse("stations:grid-list"), back_label=_("Grids and households"),
            done_url=reverse("stations:grid-list"), done_label=_("Back to the grids"), **kwargs)
        context.update(self.job_context())
        job, report = context.get("job"), context.get("report")
        context["apply_form"] = ImportApplyForm(initial={"idempotency_key": uuid.uuid4()}) \
            if report is not None and report.ok and job.file else None
        return context

    def form_valid(self, form):
        return self.to_job(services.household_import_submit(user=self.request.user, upload=form.cleaned_data["file"],
                                                            idempotency_key=form.cleaned_data["idempotency_key"]))


class HouseholdImportApplyView(HouseholdImportMixin, View):
    """Import the file a dry run checked (the same stored file); the page then follows the new job."""

    def post(self, request, pk):
        preview = access_import_job_by_id(user=request.user, job_id=pk, kind=services.HOUSEHOLD_IMPORT)
        form = ImportApplyForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("The form had expired; press the button again."))
            return HttpResponseRedirect(f"{reverse('stations:household-import')}?job={preview.pk}")
        try:
            job = services.household_import_apply(user=request.user, preview=preview,
                                                   idempotency_key=form.cleaned_data["idempotency_key"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse("stations:household-import"))
        return HttpResponseRedirect(f"{reverse('stations:household-import')}?job={job.pk}")


class HouseholdImportJobStatusView(HouseholdImportMixin, ImportJobStatusView):
    kind = services.HOUSEHOLD_IMPORT
