"""Forms every app shares."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import Caps
from core.spreadsheets.reader import megabytes


class ImportUploadForm(forms.Form):
    """A spreadsheet to import, with the key that makes a double submit start one job.

    Subclasses set `caps` (the importer's own); the size is checked here before the file is stored,
    the rest while the background job reads it.
    """

    caps = Caps()
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.caps.max_bytes:
            raise ValidationError(_("The file is larger than %(mb)s MB; split it into smaller files.")
                                  % {"mb": megabytes(self.caps.max_bytes)})
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file (a .xls file: save it as .xlsx first)."))
        return upload

    def clean_idempotency_key(self):
        return self.cleaned_data["idempotency_key"] or uuid.uuid4()


class DateRangeCheck:
    """A form's `date_from` … `date_to` (either may be left empty): an end before the start is refused on
    `date_to`, and with `max_days` set, a longer range with `max_days_message`."""

    max_days: int | None = None
    max_days_message = ""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        elif start and end and self.max_days is not None and (end - start).days > self.max_days:
            self.add_error("date_to", self.max_days_message)
        return cleaned
