from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import mainland_mobile
from stations.models import StaffAssignment, Station, StationService


class StationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": _("e.g. construction finished and inspected")}))

    def __init__(self, *args, station: Station, **kwargs):
        super().__init__(*args, **kwargs)
        # No pre-selected move: a careless submit must not send a station backwards.
        self.fields["status"].choices = [("", _("— choose —")), *station.allowed_statuses()]


class StaffAccountFields(forms.Form):
    """Whom a post is for: an existing account the admin chooses, or a new account (name and number).
    A typed number never brings in someone's existing account (accounts.services.staff_account_create)."""

    account = forms.ModelChoiceField(label=_("Existing account"), queryset=None, required=False,
                                     empty_label=_("— a new account —"),
                                     help_text=_("Someone who already works for the county: choose them to give "
                                                 "them this post too."))
    full_name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, validators=[mainland_mobile], required=False,
                            help_text=_("A new account signs in with this number."))

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].label_from_instance = lambda user: f"{user}（{user.username}）"

    def clean(self):
        data = super().clean()
        if data.get("account") is not None:
            if data.get("full_name") or data.get("phone"):
                raise forms.ValidationError(_("Choose an existing account or type a new person's name and number, "
                                              "not both."))
        elif not self.errors:
            for name in ("full_name", "phone"):
                if not data.get(name):
                    self.add_error(name, _("A new account needs a name and a mobile number."))
        return data


class StationStaffForm(StaffAccountFields):
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in StaffAssignment.STATION_ROLES])
    field_order = ["role", "account", "full_name", "phone"]


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, village):
        return f"{village.name}（{village.code}）"


class StationForm(forms.Form):
    """A station's details; `code` and the first status only when it is created (the status moves later
    through StationStatusForm, with a reason)."""

    code = forms.CharField(label=_("Station code"), max_length=20, help_text=_("E.g. LT001; it never changes."))
    name = forms.CharField(label=_("Name"), max_length=80)
    village = VillageChoiceField(label=_("Village or community"), queryset=None)
    tier = forms.ChoiceField(label=_("Tier"), choices=Station.Tier.choices, initial=Station.Tier.STANDARD)
    status = forms.ChoiceField(label=_("Status"), initial=Station.Status.PLANNED, choices=[
        (s.value, s.label) for s in (Station.Status.PLANNED, Station.Status.BUILDING, Station.Status.OPEN)])
    address = forms.CharField(label=_("Address"), max_length=200)
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=120, required=False,
                                    help_text=_("As residents should read it, e.g. Mon–Sat 8:00–18:00"))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    services = forms.MultipleChoiceField(label=_("Services offered"), choices=StationService.Kind.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, min_value=-90,
                                  max_value=90, required=False, help_text=_("Decimal degrees, e.g. 39.4256"),
                                  widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, min_value=-180,
                                   max_value=180, required=False, help_text=_("Decimal degrees, e.g. 118.9124"),
                                   widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    opened_on = forms.DateField(label=_("Opened on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, villages, station: Station | None = None, **kwargs):
        if station is not None and "initial" not in kwargs:
            kwargs["initial"] = {**{name: getattr(station, name) for name in (
                "code", "name", "village", "tier", "address", "opening_hours", "phone", "latitude", "longitude",
                "opened_on")}, "services": list(station.services.values_list("kind", flat=True))}
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        if station is not None:  # the code and the status are not edited here
            del self.fields["code"], self.fields["status"]

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data


class CountyOpenForm(forms.Form):
    """Opening a county (the superuser): the county by its division code and name, its city's name when the
    city is new, and its first county admin — an existing account by login name, or a new account."""

    county_code = forms.CharField(
        label=_("County division code"), max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{6}([0-9]{6})?", "autocomplete": "off"}),
        help_text=_("Six digits (GB/T 2260, e.g. 130225) or the twelve of the 统计用区划代码. The first four digits "
                    "name its city, the first two its province."))
    county_name = forms.CharField(label=_("County name"), max_length=60, help_text=_("E.g. 乐亭县"))
    city_name = forms.CharField(label=_("City name"), max_length=60, required=False,
                                help_text=_("E.g. 唐山市. Needed when the city is not on the platform yet; "
                                            "otherwise it must be the name on record."))
    existing_username = forms.CharField(
        label=_("Existing account (login name)"), max_length=150, required=False,
        help_text=_("To make someone who already has an account the county admin, type their login name. "
                    "Otherwise leave this empty and fill in the new account below."))
    username = forms.CharField(label=_("Login name"), max_length=150, required=False,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    full_name = forms.CharField(label=_("Full name"), max_length=60, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, validators=[mainland_mobile], required=False,
                            help_text=_("They may also sign in with this number."))
    password = forms.CharField(label=_("Initial password"), required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("At least eight characters, not only digits. Hand it over in person."))

    ACCOUNT_FIELDS = ("username", "full_name", "phone", "password")
