from django import forms
from django.utils.translation import gettext_lazy as _

from stations.models import Station


class StationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("e.g. construction finished and inspected")}))

    def __init__(self, *args, station: Station, **kwargs):
        super().__init__(*args, **kwargs)
        # No pre-selected move: a careless submit must not send a station backwards.
        self.fields["status"].choices = [("", _("— choose —")), *station.allowed_statuses()]
