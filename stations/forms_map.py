"""Forms of the map pages (stations/views_map.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stations import geo


class OutlineUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Township outlines (GeoJSON)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json,application/json"}),
        help_text=_("A FeatureCollection with one Polygon or MultiPolygon per township, positions in [longitude, "
                    "latitude] (CGCS2000 or WGS-84); each feature's properties give the township's 12-digit "
                    "division code as “code” (or its name as “name”)."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > geo.MAX_BYTES:
            raise ValidationError(_("The file is larger than %(mb)d MB. Simplify the outlines (for example with "
                                    "mapshaper) and upload it again.") % {"mb": geo.MAX_BYTES // (1024 * 1024)})
        return upload.read()


class OutlineSaveForm(forms.Form):
    """The outlines the check showed, as they will be stored (checked again when saved)."""

    geojson = forms.CharField(widget=forms.HiddenInput, max_length=geo.MAX_BYTES)


class StationLocationForm(forms.Form):
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, min_value=-90, max_value=90,
                                  required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, min_value=-180,
                                   max_value=180, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                                   help_text=_("Decimal degrees, e.g. 39.425600 and 118.912400. Leave both empty "
                                               "when the position is not known."))

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        return data
