"""Forms of residents' own reports: report a problem, add information, and the department's public reply.
They parse what was typed; the services (gov_services/requests/services/reports.py) check everything again."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from gov_services.models import ServiceRequest
from gov_services.requests.services.reports import MAX_PHOTOS, MAX_TEXT

PHOTO_ACCEPT = "image/jpeg,image/png"
PHOTO_FIELDS = tuple(f"photo_{n}" for n in range(1, MAX_PHOTOS + 1))


class _PhotosMixin:
    def add_photo_fields(self) -> None:
        for number, name in enumerate(PHOTO_FIELDS, start=1):
            self.fields[name] = forms.FileField(
                label=_("Photo %(n)d") % {"n": number}, required=False,
                widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}))

    def photo_fields(self):
        return [self[name] for name in PHOTO_FIELDS]

    def photos(self) -> list:
        return [self.cleaned_data[name] for name in PHOTO_FIELDS if self.cleaned_data.get(name)]


class ReportForm(_PhotosMixin, forms.Form):
    """A resident reports a problem. The idempotency key is made when the page is shown: a double tap or a
    resend on a bad connection files one report."""

    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": _("This page was out of date. Please check the form and send it again."),
                        "invalid": _("This page was out of date. Please check the form and send it again.")})
    category = forms.ChoiceField(label=_("What kind of problem"), choices=ServiceRequest.AppealCategory.choices,
                                 error_messages={"required": _("Choose what kind of problem this is.")})
    subject = forms.CharField(label=_("In a few words"), max_length=60,
                              help_text=_("For example: street light broken at the village entrance"),
                              error_messages={"required": _("Say in a few words what the problem is.")})
    description = forms.CharField(label=_("Describe the problem"), max_length=MAX_TEXT, widget=forms.Textarea(
        attrs={"rows": 4}), help_text=_("Do not write your name or phone number here: if you let the report be "
                                        "shown publicly, everyone can read it."),
        error_messages={"required": _("Describe the problem.")})
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False,
                                  min_value=-90, max_value=90)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False,
                                   min_value=-180, max_value=180)
    village = forms.TypedChoiceField(label=_("Village"), coerce=int, required=False, empty_value=None,
                                     help_text=_("Needed when you give no position on the map."))
    place = forms.CharField(label=_("Where exactly"), max_length=200, required=False,
                            help_text=_("For example: the second lamp east of the village committee"))
    is_public = forms.TypedChoiceField(
        label=_("May this problem be shown publicly?"), coerce=lambda value: value == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Yes: show the problem, the photos and the place on the public list and map (never "
                           "my name or phone)")),
                 ("no", _("No: only the department sees it"))],
        error_messages={"required": _("Say whether the problem may be shown publicly.")})

    def __init__(self, *args, village_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("— choose, or give a position on the map —")), *village_groups]
        self.add_photo_fields()

    @staticmethod
    def new_key() -> uuid.UUID:
        return uuid.uuid4()

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if (latitude is None) != (longitude is None) and "latitude" not in self.errors:
            self.add_error("latitude", _("Give both the latitude and the longitude, or neither."))
        if latitude is None and longitude is None and not data.get("village") and not self.errors.get("village"):
            self.add_error("village", _("Say where the problem is: use your phone's position, tap the map, or "
                                        "choose the village."))
        return data


class AddInformationForm(_PhotosMixin, forms.Form):
    text = forms.CharField(label=_("What would you like to add?"), max_length=MAX_TEXT, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_photo_fields()


class PublicReplyForm(forms.Form):
    text = forms.CharField(label=_("Public reply"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Shown on the public page of this report. Do not name the resident."),
                           error_messages={"required": _("Write the reply.")})
