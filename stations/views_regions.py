"""The region tree in the back office (/county/regions/…): browse it, add a village or community under a
township, rename a region, merge a village into another, import the tree from a file of division codes.

Who gets in is the back office's rule (township and county admins; 403 for anyone else); a region outside
the admin's is a 404, one they see but may not change (their own township, for its admin) a 403 —
stations/scope decides both.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from core.http import int_or_none
from core.import_jobs import access_import_job_by_id
from core.import_views import ImportPageMixin
from core.service_errors import errors_onto
from core.spreadsheets import spreadsheet_response
from core.views import ImportJobStatusView
from stations.forms_regions import (
    RegionImportApplyForm,
    RegionImportForm,
    RegionMergeForm,
    RegionRenameForm,
    VillageAddForm,
    suggested_village_code,
)
from stations.mixins import CountyStaffMixin
from stations.models import Region
from stations.regions import import_file, importer, selectors, services
from stations.regions.selectors import VILLAGE_LEVELS
from stations.scope import can_add_region, can_change_region
from stations.selectors import access_region_by_id


class RegionListView(CountyStaffMixin, TemplateView):
    """The top of the admin's tree: their region with its townships (a superuser: every city)."""

    template_name = "stations/region_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        roots = [(root, selectors.region_children(region=root)) for root in selectors.region_roots(user=user)]
        return super().get_context_data(roots=roots, can_import=user.has_perm("stations.add_region"), **kwargs)


class RegionDetailView(CountyStaffMixin, DetailView):
    template_name = "stations/region_detail.html"
    context_object_name = "region"

    def get_object(self, queryset=None):
        return access_region_by_id(user=self.request.user, region_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        region, user = self.object, self.request.user
        is_village = region.level in VILLAGE_LEVELS
        return super().get_context_data(
            ancestors=selectors.region_ancestors(region=region, user=user),
            children=[] if is_village else selectors.region_children(region=region),
            stations=selectors.region_stations(region=region) if is_village else [],
            is_village=is_village,
            can_rename=can_change_region(user, region),
            can_add_village=region.level == Region.Level.TOWNSHIP and can_add_region(user, region),
            can_merge=is_village and can_change_region(user, region),
            history=selectors.region_history(region=region),
            **kwargs,
        )


class _RegionLookup:
    """The region in the URL, looked up once the workspace mixin (before it in the bases) let the user in:
    404 outside their tree or at a level the page is not for, 403 where `allowed(user, region)` says no."""

    levels: tuple[str, ...] = ()

    def allowed(self, user, region) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.region = access_region_by_id(user=request.user, region_id=kwargs["pk"])
        if self.levels and self.region.level not in self.levels:
            raise Http404(_("Not found."))
        if not self.allowed(request.user, self.region):
            raise PermissionDenied(_("You may not change %(region)s.") % {"region": self.region.name})
        return super().dispatch(request, *args, **kwargs)


class _RegionFormView(CountyStaffMixin, _RegionLookup, FormView):
    """A form about one region in the admin's tree."""

    template_name = "stations/region_form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(region=self.region, **kwargs)

    def done(self, region: Region, message: str):
        messages.success(self.request, message)
        return redirect("stations:region-detail", pk=region.pk)


class RegionRenameView(_RegionFormView):
    form_class = RegionRenameForm
    extra_context = {"title": gettext_lazy("Rename")}

    def allowed(self, user, region):
        return can_change_region(user, region)

    def get_initial(self):
        return {"name": self.region.name}

    def form_valid(self, form):
        old = self.region.name
        try:
            region = services.region_rename(region=self.region, name=form.cleaned_data["name"], actor=self.request.user)
        except ValidationError as error:
            errors_onto(form, error)
            return self.form_invalid(form)
        return self.done(region, _("%(old)s is now called %(new)s.") % {"old": old, "new": region.name})


class RegionVillageCreateView(_RegionFormView):
    form_class = VillageAddForm
    levels = (Region.Level.TOWNSHIP,)
    extra_context = {"title": gettext_lazy("Add a village or community")}

    def allowed(self, user, region):
        return can_add_region(user, region)

    def get_initial(self):
        return {"code": suggested_village_code(self.region), "level": Region.Level.VILLAGE}

    def form_valid(self, form):
        try:
            village = services.region_village_add(township=self.region, actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
            return self.form_invalid(form)
        return self.done(village, _("%(name)s added under %(township)s.")
                         % {"name": village.name, "township": self.region.name})


class RegionMergeView(_RegionFormView):
    """Choose the village to merge into, see what will move (or why it cannot), confirm with a reason."""

    form_class = RegionMergeForm
    template_name = "stations/region_merge.html"
    levels = VILLAGE_LEVELS

    def allowed(self, user, region):
        return can_change_region(user, region)

    def get_form_kwargs(self):
        self.targets = selectors.merge_targets(source=self.region, user=self.request.user)
        return {**super().get_form_kwargs(), "targets": self.targets}

    def get_initial(self):
        chosen = int_or_none(self.request.GET.get("into"))
        return {"into": chosen} if chosen in {target.pk for target in self.targets} else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        chosen = form["into"].value()
        into = next((t for t in self.targets if str(t.pk) == str(chosen)), None) if chosen else None
        references = selectors.merge_references(source=self.region, into=into) if into else []
        context.update(into=into, references=references, blocked=any(r.blocker for r in references))
        return context

    def form_valid(self, form):
        into = form.cleaned_data["into"]
        try:
            services.region_merge(source=self.region, into=into, reason=form.cleaned_data["reason"],
                                  actor=self.request.user)
        except ValidationError as error:
            errors_onto(form, error)
            return self.form_invalid(form)
        return self.done(into, _("%(source)s has been merged into %(into)s.")
                         % {"source": self.region.name, "into": into.name})


class _ImportAccessMixin(CountyStaffMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("stations.add_region"):
            raise PermissionDenied(_("You may not import regions."))
        return super().dispatch(request, *args, **kwargs)


class RegionImportView(_ImportAccessMixin, ImportPageMixin, FormView):
    """Upload a file of division codes: it is checked in the background, and this page (?job=<id>) shows
    what applying it would do, row by row, with the button that applies it — or what was applied."""

    template_name = "stations/region_import.html"
    form_class = RegionImportForm
    kind = importer.REGION_IMPORT

    def job_report(self, job):
        return importer.region_import_report(job)

    def job_status_url(self, job) -> str:
        return reverse("stations:region-import-job", args=[job.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(columns=import_file.COLUMNS, title=_("Import division codes"), **kwargs)
        context.update(self.job_context())
        report = context.get("report")
        context["apply_form"] = RegionImportApplyForm() if report and report.can_apply else None
        return context

    def form_valid(self, form):
        return self.to_job(importer.region_import_submit(user=self.request.user, upload=form.cleaned_data["file"],
                                                         idempotency_key=form.cleaned_data["idempotency_key"]))


class RegionImportApplyView(_ImportAccessMixin, View):
    """Apply a check the user has seen: a new job, which checks again and writes all or nothing."""

    http_method_names = ["post"]

    def post(self, request, pk):
        checked = access_import_job_by_id(user=request.user, job_id=pk, kind=importer.REGION_IMPORT)
        form = RegionImportApplyForm(request.POST)
        key = form.cleaned_data["idempotency_key"] if form.is_valid() else uuid.uuid4()
        try:
            job = importer.region_import_apply_submit(user=request.user, checked=checked, idempotency_key=key)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            job = checked
        return HttpResponseRedirect(f"{reverse('stations:region-import')}?job={job.pk}")


class RegionImportJobStatusView(CountyStaffMixin, ImportJobStatusView):
    kind = importer.REGION_IMPORT


class RegionExportView(CountyStaffMixin, View):
    """The user's tree (and the regions above it) in the import's format."""

    def get(self, request, fmt):
        if fmt not in import_file.EXPORT_FORMATS:
            raise Http404(_("Unknown export format."))
        data = import_file.region_export(roots=selectors.region_roots(user=request.user), fmt=fmt)
        return spreadsheet_response(data, fmt=fmt, filename=f"regions-{timezone.localdate():%Y%m%d}")
