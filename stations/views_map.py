"""The county map's pages in the back office: uploading township outlines (/county/regions/outlines/), and a
station's position picked on the map (/county/stations/<pk>/location/).

Who gets in is the workspace mixins' rule (outlines: county admins; a position: township and county admins);
which townships and stations they reach is stations/scope's (a station outside theirs: 404).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from stations import geo, selectors_map, services_map
from stations.forms_map import OutlineSaveForm, OutlineUploadForm, StationLocationForm
from stations.mixins import CountyAdminMixin, StationEditMixin


class TownshipOutlineView(CountyAdminMixin, View):
    """Upload a GeoJSON file of township outlines: the check shows, feature by feature, which township
    each outline is for and what would change (or why it is refused); the save button sends what was
    checked, which is checked again and saved all at once."""

    template_name = "stations/township_outlines.html"

    def get(self, request):
        return self.render(OutlineUploadForm())

    def post(self, request):
        if "geojson" in request.POST:
            return self.save(OutlineSaveForm(request.POST))
        form = OutlineUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=422)
        try:
            check = services_map.township_outlines_check(actor=request.user, data=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.message_dict.get("file", error.messages))
            return self.render(form, status=422)
        save_form = OutlineSaveForm(initial={"geojson": check.as_geojson()}) if check.ok and check.changes else None
        return self.render(OutlineUploadForm(), check=check, save_form=save_form)

    def save(self, form):
        if form.is_valid():
            try:
                check = services_map.township_outlines_save(actor=self.request.user,
                                                            data=form.cleaned_data["geojson"].encode())
            except ValidationError as error:
                messages.error(self.request, " ".join(error.messages))
            else:
                messages.success(self.request, _("Outlines saved: %(added)d new, %(changed)d changed, %(unchanged)d "
                                                 "unchanged.") % {"added": check.count(services_map.ADDED),
                                                                  "changed": check.count(services_map.CHANGED),
                                                                  "unchanged": check.count(services_map.UNCHANGED)})
        else:
            messages.error(self.request, _("Nothing was saved: check the file again."))
        return redirect("stations:township-outlines")

    def render(self, form, *, status=200, **context):
        user = self.request.user
        townships = list(selectors_map.outline_townships(user=user))
        region = selectors_map.home_region(user=user)
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "townships": [(t, geo.count_points(geo.polygons(t.boundary))) for t in townships],
            "map": selectors_map.county_map(user=user, region=region) if region else None,
            "outline_points": geo.OUTLINE_POINTS, **context,
        }, status=status)


class StationLocationView(StationEditMixin, View):
    """A station's position: click the map (or type the degrees); saved into the station's history."""

    template_name = "stations/station_location.html"

    def get(self, request, pk):
        return self.render(StationLocationForm(initial={"latitude": self.station.latitude,
                                                        "longitude": self.station.longitude}))

    def post(self, request, pk):
        form = StationLocationForm(request.POST)
        if form.is_valid():
            try:
                changes = services_map.station_location_set(station=self.station, actor=request.user,
                                                            **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("Position saved.") if changes else _("Nothing was changed."))
                return redirect("stations:station-detail", pk=self.station.pk)
        return self.render(form, status=422)

    def render(self, form, status=200):
        county = selectors_map.county_of(self.station.village)
        if county is None:
            raise Http404(_("Not found."))
        return TemplateResponse(self.request, self.template_name, {
            "station": self.station, "form": form, "map": selectors_map.picker_map(region=county),
        }, status=status)
