"""Setting up stations in the back office: create, edit, import. Suspending and closing are
the station page's status form (views.StationStatusChangeView).

Township and county admins set up the stations of their region (stations/scope): the villages
offered are theirs, a station outside it is a 404, and the services refuse anything else.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import ImportUploadForm
from core.import_views import PreviewImportView
from core.views import ServiceFormView
from stations import selectors, selectors_map, services, station_import, station_io
from stations.forms import StationForm
from stations.mixins import CountyStaffMixin, StationEditMixin


class _StationFormView(CountyStaffMixin, ServiceFormView):
    template_name = "stations/station_form.html"
    station = None

    def form(self, data=None):
        return StationForm(data, villages=selectors.setup_village_list(user=self.request.user), station=self.station)

    def render_form(self, form, status=200):
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "station": self.station, "picker": self.picker()}, status=status)

    def picker(self) -> dict | None:
        """The map the position is picked on: the station's county, or (a new station) the admin's region."""
        if self.station is not None:
            region = selectors_map.county_of(self.station.village)
        else:
            region = selectors_map.home_region(user=self.request.user)
        return selectors_map.picker_map(region=region) if region is not None else None

    def after_save(self, station) -> str:
        return reverse("stations:station-detail", args=[station.pk])


class StationCreateView(_StationFormView):
    """A new station in a village of the admin's region."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("stations.add_station"):
            raise PermissionDenied(_("You may not set up stations."))
        return super().dispatch(request, *args, **kwargs)

    def save(self, data):
        station = services.station_create(actor=self.request.user, **data)
        messages.success(self.request, _("Station %(code)s created.") % {"code": station.code})
        return station


class StationUpdateView(StationEditMixin, _StationFormView):
    """A station's details and services; 404 outside the admin's region."""

    def save(self, data):
        changes = services.station_update(station=self.station, actor=self.request.user, **data)
        messages.success(self.request, _("Station saved.") if changes else _("Nothing was changed."))
        return self.station


class StationImportForm(ImportUploadForm):
    caps = station_io.CAPS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Station file (.csv or .xlsx)")


class StationImportView(CountyStaffMixin, PreviewImportView):
    """Stations from a spreadsheet: previewed, then imported (core/import_views.py)."""

    kind = station_import.STATION_IMPORT
    form_class = StationImportForm
    columns = station_io.COLUMNS
    title = gettext_lazy("Import stations")
    format_help = gettext_lazy(
        "所在村: the village's 12-digit division code (or its exact name). 等级: 旗舰站, 标准站 or 基础站. "
        "状态 (new stations only): 规划中, 建设中, 运营中 or 暂停服务. 服务项目: separated by ; e.g. "
        "政务代办;生活缴费;话费充值. Latitude and longitude in decimal degrees. Example: demo/data/stations.csv.")
    refusal = gettext_lazy("You may not set up stations.")

    def allowed(self, user) -> bool:
        return user.has_perm("stations.add_station")

    def preview(self, *, user, upload, idempotency_key):
        return station_import.station_import_preview(user=user, upload=upload, idempotency_key=idempotency_key)

    def apply(self, *, user, preview_id, idempotency_key):
        return station_import.station_import_apply(user=user, preview_id=preview_id, idempotency_key=idempotency_key)

    def page_context(self) -> dict:
        url = reverse("stations:station-list")
        return {"back_url": url, "back_label": _("Stations"), "done_url": url, "done_label": _("Back to the stations")}
