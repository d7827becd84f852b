from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import mainland_mobile
from stations.models import StaffAssignment, Station


class StationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("e.g. construction finished and inspected")}))

    def __init__(self, *args, station: Station, **kwargs):
        super().__init__(*args, **kwargs)
        # No pre-selected move: a careless submit must not send a station backwards.
        self.fields["status"].choices = [("", _("— choose —")), *station.allowed_statuses()]


class StationStaffForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in StaffAssignment.STATION_ROLES])
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, validators=[mainland_mobile],
                            help_text=_("They sign in with this number."))
