"""Forms for the operator's request screens at the counter (gov_services/requests/views_counter_filing.py, views_counter_requests.py).

These forms only *parse* what the browser sent (lengths, choices, the idempotency key, the signature
pad's data URL). Whether an ID number, a phone number, a consent, a scan or an e-form answer is
acceptable is decided by the service (gov_services.requests.services); the views put the messages
of its ValidationError back beside these fields, so the applicant fields are not required here:
an empty name gets the service's own message, once.
"""

import base64
import binascii

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import id_number_input_attrs, mobile_input_attrs
from gov_services.models import RequiredMaterial, ServiceRequest

Consent = ServiceRequest.Consent

# How a resident at the counter consents: signing on the pad, a code texted to their phone (when
# they cannot come to the pad's side or prefer it), or a witness when they can do neither.
COUNTER_CONSENTS = (Consent.SIGNATURE, Consent.SMS_CODE, Consent.WITNESSED)
SIGNATURE_DATA_URL_PREFIX = "data:image/png;base64,"
OTHER_FILES = "material-other"


class ItemSearchForm(forms.Form):
    q = forms.CharField(label=_("Service name, code or pinyin initials"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                      "placeholder": _("e.g. 户籍证明, hjzm or LT-GAJ-01")}))


class SignatureField(forms.CharField):
    """The signature pad's PNG data URL, decoded to bytes (None when nothing was drawn).

    Whether the bytes are a sound PNG is the service's check (scans.check_signature).
    """

    widget = forms.HiddenInput
    default_error_messages = {"invalid": _("The signature could not be read; please ask the resident to sign again.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        if not value.startswith(SIGNATURE_DATA_URL_PREFIX):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return base64.b64decode(value[len(SIGNATURE_DATA_URL_PREFIX):], validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class HintedCharField(forms.CharField):
    """A text field whose browser hints (maxlength, pattern, inputmode) come from the server's rule
    (core/validators.py); `max_length` stays a generous parse guard, the service judges the value."""

    def __init__(self, *, hints, **kwargs):
        self.hints = hints
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), **self.hints()}


class CounterRequestForm(forms.Form):
    """What every request filed at the counter carries: the key, the applicant, the consent."""

    # Fields the service insists on; marked as required on the page (the service says what is wrong).
    SERVICE_REQUIRED = ("applicant_name", "applicant_id_number", "applicant_phone", "consent")

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": _("This form has lost its key. Open the form again and fill it in once more."),
        "invalid": _("This form has lost its key. Open the form again and fill it in once more."),
    })
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=60, required=False,
                                     widget=forms.TextInput(attrs={"autocomplete": "off"}))
    applicant_id_number = HintedCharField(
        hints=id_number_input_attrs, label=_("ID card number"), max_length=30, required=False,
        help_text=_("18 characters; the last may be X. Checked against its check digit."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "cz-mono"}))
    applicant_phone = HintedCharField(
        hints=mobile_input_attrs, label=_("Mobile number"), max_length=24, required=False,
        help_text=_("The resident follows the request with its last four digits."),
        widget=forms.TextInput(attrs={"type": "tel"}))
    consent = forms.ChoiceField(label=_("How the resident consents"), required=False, widget=forms.RadioSelect,
                                choices=[(c.value, c.label) for c in COUNTER_CONSENTS], initial=Consent.SIGNATURE)
    consent_code = forms.CharField(
        label=_("Code from the resident's SMS"), max_length=6, required=False,
        help_text=_("Send the code, then type the six digits the resident reads out."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "pattern": "[0-9]{6}", "class": "cz-mono", "size": "8"}))
    signature = SignatureField(label=_("Resident's signature"), required=False)
    # The signature drawn before the page came back with errors: the pad starts empty again, so the
    # earlier drawing rides along here and is used unless the resident signs anew.
    signature_kept = SignatureField(label=_("Resident's signature"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.SERVICE_REQUIRED:
            self.fields[name].widget.attrs["aria-required"] = "true"
            if name.startswith("applicant_"):  # a hint only: the form is sent with novalidate
                self.fields[name].widget.attrs["required"] = True

    def signature_bytes(self) -> bytes | None:
        return self.cleaned_data.get("signature") or self.cleaned_data.get("signature_kept")

    def kept_signature_url(self) -> str:
        """The data URL of the signature to carry over when the page is shown again, or ""."""
        if not self.is_bound or self.errors.get("signature") or self.errors.get("signature_kept"):
            return ""
        signature = self.cleaned_data.get("signature") or self.cleaned_data.get("signature_kept")
        return SIGNATURE_DATA_URL_PREFIX + base64.b64encode(signature).decode("ascii") if signature else ""

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "idempotency_key": data["idempotency_key"],
            "applicant_name": data["applicant_name"],
            "applicant_id_number": data["applicant_id_number"],
            "applicant_phone": data["applicant_phone"],
            "consent": data["consent"],
            "consent_code": data.get("consent_code", "") if data["consent"] == Consent.SMS_CODE else "",
            "signature": self.signature_bytes(),
        }


class ConsentCodeSendForm(forms.Form):
    """The "send the code" button beside the consent: the form's key, the number, what is being filed."""

    idempotency_key = forms.UUIDField()
    applicant_phone = forms.CharField(max_length=24, required=False)
    about = forms.CharField(max_length=120, required=False)


class ApplicationForm(CounterRequestForm):
    """An application for a catalogue item (its e-form and scans are separate forms)."""


class AppealForm(CounterRequestForm):
    """An appeal (诉求) told at the counter: what kind, what about, where."""

    SERVICE_REQUIRED = (*CounterRequestForm.SERVICE_REQUIRED, "appeal_category", "description")

    appeal_category = forms.ChoiceField(label=_("Kind of appeal"), required=False,
                                        choices=[("", _("— choose —")), *ServiceRequest.AppealCategory.choices])
    subject = forms.CharField(label=_("Subject"), max_length=120, required=False,
                              help_text=_("A few words for the ledger, e.g. 村东路灯不亮."))
    description = forms.CharField(label=_("What the resident says"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("Where it happens, if it matters: a house number, a road, a field."))

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {**super().service_fields(), "appeal_category": data["appeal_category"], "subject": data["subject"],
                "description": data["description"], "place": data["place"]}


class RelayedAppealForm(AppealForm):
    """An appeal taken by phone (the county hotline) or from a WeChat message by township or county
    staff: no station, so the village is chosen; the call-taker records the caller's consent."""

    SERVICE_REQUIRED = (*AppealForm.SERVICE_REQUIRED, "channel", "village")
    CHANNELS = (ServiceRequest.Channel.PHONE, ServiceRequest.Channel.WECHAT)

    channel = forms.ChoiceField(label=_("How it came in"), widget=forms.RadioSelect,
                                choices=[(c.value, c.label) for c in CHANNELS], initial=ServiceRequest.Channel.PHONE)
    village = forms.TypedChoiceField(label=_("Village or community"), coerce=int, required=False)

    def __init__(self, *args, villages: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("— choose —")), *villages]
        self.fields["consent"].choices = [(Consent.WITNESSED.value, _("Given on the call or in the message"))]
        self.fields["consent"].initial = Consent.WITNESSED
        del self.fields["consent_code"], self.fields["signature"], self.fields["signature_kept"]

    def signature_bytes(self) -> bytes | None:
        return None

    def service_fields(self) -> dict:
        return {**super().service_fields(), "channel": self.cleaned_data["channel"]}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class ScanField(forms.FileField):
    """Any number of files under one material. The service checks each one by its content."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf",
                                                             "class": "cz-file-input"}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        return [file for file in (data if isinstance(data, list | tuple) else [data]) if file]


class ScanUploadForm(forms.Form):
    """One file input per material of the item, and one for other documents.

    `uploads()` gives the files as the service wants them: each with `material_id` set.
    """

    def __init__(self, *args, materials: list[RequiredMaterial] = (), other_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = {}
        for material in materials:
            name = f"material-{material.pk}"
            self.fields[name] = ScanField(label=material.name)
            self.fields[name].material = material
            self.materials[name] = material
        self.fields[OTHER_FILES] = ScanField(label=other_label or _("Other documents"))
        self.fields[OTHER_FILES].material = None
        for name, field in self.fields.items():  # where the page's script lists the chosen files' names
            field.widget.attrs["data-file-names"] = f"{self.auto_id % self.add_prefix(name)}_names"

    def uploads(self) -> list:
        files = []
        for name in self.fields:
            for file in self.cleaned_data.get(name, []):
                file.material_id = self.materials[name].pk if name in self.materials else None
                files.append(file)
        return files

    @staticmethod
    def field_of_material(material_id: str) -> str:
        """The input of a service error key "attachments.<material id>" ("other": other documents)."""
        return OTHER_FILES if material_id == "other" else f"material-{material_id}"


class SupplementForm(forms.Form):
    """补正 at the counter: what the resident brought, and a note for the department."""

    note = forms.CharField(label=_("Note for the department"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What was brought, or why something is still missing."))
