"""Forms of the certificate screens. They only parse input; the services decide who may do what."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from core.uploads import CheckedImageField
from gov_services.models import CertificateType

MAX_PHOTO_BYTES = 8 * 1024 * 1024


class CertificateTypeForm(forms.ModelForm):
    class Meta:
        model = CertificateType
        fields = ["title", "code", "validity_days", "auto_issue", "personal_seal_required", "is_active", "body_html",
                  "css"]
        widgets = {
            "title": forms.TextInput(attrs={"class": "cz-input"}),
            "code": forms.TextInput(attrs={"class": "cz-input cz-mono", "autocapitalize": "characters"}),
            "validity_days": forms.NumberInput(attrs={"class": "cz-input", "min": 1}),
            "body_html": forms.Textarea(attrs={"class": "cz-input cz-mono", "rows": 18, "spellcheck": "false"}),
            "css": forms.Textarea(attrs={"class": "cz-input cz-mono", "rows": 10, "spellcheck": "false"}),
        }

    def validate_unique(self):
        """The service checks uniqueness and everything else, and reports it beside the fields."""


class SealUploadForm(forms.Form):
    image = forms.FileField(label=_("Seal image (PNG with a transparent background, or JPEG)"),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}))


class IdempotentForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, error_messages={
        "required": _("The form expired: please fill it in again."),
        "invalid": _("The form expired: please fill it in again.")})


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=500,
                             help_text=_("Shown to anyone who verifies the certificate."),
                             widget=forms.Textarea(attrs={"class": "cz-input", "rows": 3}))


class MailForm(forms.Form):
    address = forms.CharField(label=_("Mailing address"), max_length=200,
                              widget=forms.TextInput(attrs={"class": "cz-input"}))
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=40,
                                      widget=forms.TextInput(attrs={"class": "cz-input cz-mono"}))


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(label=_("Delivery"), choices=[("station", _("Print at the station")),
                                                                ("office", _("Collect at the office"))],
                                 widget=forms.Select(attrs={"class": "cz-select"}))


class PrintForm(IdempotentForm):
    collector_is_holder = forms.TypedChoiceField(
        label=_("Who takes the certificate"), coerce=lambda v: v == "holder", initial="holder",
        choices=[("holder", _("The holder")), ("agent", _("An agent for the holder"))], widget=forms.RadioSelect)
    collector_name = forms.CharField(label=_("Name on the ID card"), max_length=60,
                                     widget=forms.TextInput(attrs={"class": "cz-input"}))
    collector_id_number = forms.CharField(label=_("ID card number"), max_length=18,
                                          widget=forms.TextInput(attrs={"class": "cz-input cz-mono",
                                                                        "autocomplete": "off"}))
    id_checked = forms.BooleanField(label=_("I have checked the ID card against the person"), required=False)


class VerifyForm(forms.Form):
    """Paste a code (or the scanned URL), or upload a photo of the QR code."""

    code = forms.CharField(label=_("Certificate code"), required=False, max_length=2000,
                           help_text=_("Paste the text under the QR code, or the address a phone camera shows."),
                           widget=forms.Textarea(attrs={"class": "cz-input cz-mono", "rows": 3,
                                                        "autocomplete": "off", "spellcheck": "false"}))
    photo = CheckedImageField(label=_("Or a photo of the QR code"), required=False, formats=None, stored=False,
                              widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 8 MB."))
        return photo

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("code") or "").strip() and not data.get("photo"):
            raise forms.ValidationError(_("Paste a certificate code or upload a photo of its QR code."))
        return data


class AttachForm(forms.Form):
    request_id = forms.TypedChoiceField(label=_("Attach to my request"), coerce=int,
                                        widget=forms.Select(attrs={"class": "cz-select"}))

    def __init__(self, *args, requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request_id"].choices = [(r.pk, f"{r.item.name if r.item else r.subject} · {r.tracking_code}")
                                             for r in requests]



class HolderCheckForm(forms.Form):
    """A verifier who sees the holder's ID card checks that the certificate is theirs."""

    name = forms.CharField(label=_("Name on the ID card"), max_length=60,
                           widget=forms.TextInput(attrs={"class": "cz-input", "autocomplete": "off"}))
    id_number = forms.CharField(label=_("ID card number"), max_length=18,
                                widget=forms.TextInput(attrs={"class": "cz-input cz-mono", "autocomplete": "off"}))


class OfficialKeyIssueForm(forms.Form):
    """Issue a key: `current` is the key id the page showed (empty: none), so that a second click of the
    same page makes no second key."""

    current = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)


class OfficialKeyImportForm(forms.Form):
    private_key_pem = forms.CharField(
        label=_("Private key (PEM)"), max_length=4000,
        help_text=_("An Ed25519 private key in PKCS#8 PEM form, from the county's key ceremony. It is stored "
                    "encrypted and never shown again."),
        widget=forms.Textarea(attrs={"class": "cz-input cz-mono", "rows": 6, "autocomplete": "off",
                                     "spellcheck": "false"}))
    passphrase = forms.CharField(label=_("Passphrase of the key file"), required=False, max_length=200,
                                 help_text=_("Leave empty when the key file is not encrypted."),
                                 widget=forms.PasswordInput(attrs={"class": "cz-input", "autocomplete": "off"}))


class OfficialKeyRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=200,
                             help_text=_("For the record, e.g. the official left or the key may have leaked."),
                             widget=forms.TextInput(attrs={"class": "cz-input"}))
