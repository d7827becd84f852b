"""Forms of the resident's pages: apply online, resubmit after a return, rate, and track by code.

They parse and check what the resident typed, with messages beside each field; the services check
everything again (gov_services/requests/services) and their errors are put back beside the fields
by the views. The item's own e-form is built separately by gov_services/catalogue/eforms.build_form.
"""

import unicodedata
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gov_services.catalogue.eforms import IdNumberField, MobileField
from gov_services.catalogue.selectors import places_offering
from gov_services.identifiers import normalise_tracking_code
from gov_services.models import Rating, RequiredMaterial, ServiceItem
from stations.models import Region
from stations.selectors import places_by_township

SCAN_ACCEPT = ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"


def village_choices(item: ServiceItem) -> list[tuple[str, list[tuple[int, str]]]]:
    """The villages and communities where the item is available (the counter's rule), grouped by
    township. Two queries."""
    return places_by_township(places_offering(item=item))


def material_field_name(material: RequiredMaterial) -> str:
    return f"material_{material.pk}"


class _MaterialUploadsMixin:
    """One optional file field per material of the item: a photo or scan of it."""

    def add_material_fields(self, materials) -> None:
        self.materials = list(materials)
        for material in self.materials:
            label = str(material) if material.required else _("%(material)s (if you have it)") % {
                "material": material}
            name = material_field_name(material)
            self.fields[name] = forms.FileField(
                label=label, required=False,
                help_text=material.note or _("A photo or scan: JPEG, PNG or PDF, up to 10 MB."),
                # Behind a button of our words (includes/field.html, large=True); the chosen name shows beside it.
                widget=forms.ClearableFileInput(attrs={"accept": SCAN_ACCEPT}))

    @staticmethod
    def field_of_material(material_id: str) -> str:
        """The input of a service error key "attachments.<material id>"."""
        return f"material_{material_id}"

    def material_fields(self):
        return [self[material_field_name(material)] for material in self.materials]

    def uploads(self) -> list:
        """The uploaded files, each carrying the `material_id` the service files it under."""
        files = []
        for material in self.materials:
            file = self.cleaned_data.get(material_field_name(material))
            if file:
                file.material_id = material.pk
                files.append(file)
        return files


class OnlineApplicationForm(_MaterialUploadsMixin, forms.Form):
    """The resident's own application (channel web, consent self). The idempotency key is made when the
    page is first shown and sent back with the form, so a double click or a resend is one request."""

    idempotency_key = forms.UUIDField(
        label=_("Page"), widget=forms.HiddenInput,
        error_messages={"required": _("This page was out of date. Please check the form and send it again."),
                        "invalid": _("This page was out of date. Please check the form and send it again.")})
    applicant_name = forms.CharField(label=_("Your full name"), max_length=60,
                                     help_text=_("As on your ID card."),
                                     widget=forms.TextInput(attrs={"autocomplete": "name"}))
    applicant_id_number = IdNumberField(label=_("Your ID card number"),
                                        help_text=_("18 characters; the last may be X."))
    applicant_phone = MobileField(label=_("Your mobile number"),
                                  help_text=_("We send progress to this number. Its last four digits and the "
                                              "tracking code let you follow the request."))
    village = forms.TypedChoiceField(label=_("Your village"), coerce=int, empty_value=None,
                                     help_text=_("Where you live: it decides which station and township deal "
                                                 "with the request."))
    declaration = forms.BooleanField(label=_("I declare that what I have entered is true"),
                                     error_messages={"required": _("Please tick the box to declare that what "
                                                                   "you have entered is true.")})

    def __init__(self, *args, item: ServiceItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["village"].choices = [("", _("— choose your village —")), *village_choices(item)]
        self.add_material_fields(item.materials.all())

    @staticmethod
    def new_key() -> uuid.UUID:
        return uuid.uuid4()

    def village_region(self) -> Region | None:
        pk = self.cleaned_data.get("village")
        return Region.objects.filter(pk=pk).first() if pk else None


class ResubmitForm(_MaterialUploadsMixin, forms.Form):
    """补正: what the resident brings after a return — a message and the missing scans."""

    note = forms.CharField(label=_("Message to the department"), required=False, max_length=1000,
                           help_text=_("For example: which material you are sending, or what you corrected."),
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, item: ServiceItem | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_material_fields(item.materials.all() if item is not None else [])


class RatingForm(forms.Form):
    """The five-level scale (very satisfied … very dissatisfied) and an optional comment."""

    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how your request was handled?"), coerce=int,
        choices=sorted(Rating.Score.choices, reverse=True), widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the five answers.")})
    officer_score = forms.TypedChoiceField(
        label=_("And with the officer who handled it?"), coerce=int, empty_value=None, required=False,
        choices=sorted(Rating.Score.choices, reverse=True), widget=forms.RadioSelect,
        help_text=_("Optional. Your rating of the officer counts in their own assessment."))
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))


def _fold_digits(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value or "").split())


class TrackForm(forms.Form):
    """The public tracking page: the code on the receipt and the last four digits of the phone."""

    code = forms.CharField(label=_("Tracking code"), max_length=30,
                           help_text=_("On your receipt or in the text message, e.g. 7KQ4-M2XB-Y. Dashes, "
                                       "spaces and small letters are fine."),
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                                         "spellcheck": "false", "class": "cz-code-input"}))
    phone_last4 = forms.CharField(label=_("Last four digits of your mobile number"), max_length=10,
                                  help_text=_("The number given when the request was filed."),
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                                "pattern": "[0-9０-９]*", "maxlength": 10,
                                                                "class": "cz-code-input"}))

    def clean_code(self):
        return normalise_tracking_code(self.cleaned_data["code"])

    def clean_phone_last4(self):
        digits = _fold_digits(self.cleaned_data["phone_last4"])
        if len(digits) != 4 or not digits.isdigit():
            raise ValidationError(_("Enter exactly four digits: the end of the mobile number."), code="last4")
        return digits
