"""Forms for grids and households. The checks themselves are stations/households_io.py's (the same for a
form and for a spreadsheet row); these forms only parse what was typed and put the service's errors back
beside the fields."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ImportUploadForm
from core.service_errors import errors_onto
from stations import households_io
from stations.models import Household, HouseholdMember


class LiaisonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.full_name or user.username}（{user.phone}）" if user.phone else str(user)


class GridForm(forms.Form):
    name = forms.CharField(label=_("Grid name"), max_length=60,
                           widget=forms.TextInput(attrs={"placeholder": _("e.g. 第一网格")}))
    liaison = LiaisonChoiceField(label=_("Grid liaison"), queryset=None, required=False,
                                 empty_label=_("— nobody yet —"),
                                 help_text=_("One of the station's liaisons. Put a liaison to work at the station "
                                             "first if the list is empty."))

    def __init__(self, *args, liaisons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["liaison"].queryset = liaisons


class GridLiaisonForm(forms.Form):
    liaison = LiaisonChoiceField(label=_("Grid liaison"), queryset=None, required=False,
                                 empty_label=_("— nobody —"))

    def __init__(self, *args, liaisons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["liaison"].queryset = liaisons


class HouseholdForm(forms.Form):
    house_number = forms.CharField(label=_("House number"), max_length=20)
    head_name = forms.CharField(label=_("Head of household"), max_length=60)
    phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
                            help_text=_("A mainland mobile number, e.g. 13812345678."))
    elderly_alone = forms.BooleanField(label=_("Elderly living alone"), required=False)
    disabled_member = forms.BooleanField(label=_("Has a disabled member"), required=False)
    low_income = forms.BooleanField(label=_("Low income"), required=False,
                                    help_text=Household._meta.get_field("low_income").help_text)

    def clean(self):
        data = super().clean()
        try:
            data.update(households_io.clean_household(
                head_name=data.get("head_name", ""), phone=data.get("phone", ""),
                **{flag: data.get(flag) for flag in Household.CARE_FLAGS}))
        except ValidationError as error:
            errors_onto(self, error)
        return data


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    id_number = forms.CharField(label=_("ID card number"), max_length=24, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    relation = forms.ChoiceField(label=_("Relation to the head"), required=False,
                                 choices=[("", "—"), *HouseholdMember.Relation.choices])
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    DELETE = forms.BooleanField(label=_("Remove"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("DELETE") or not any(data.get(key) for key in ("name", "id_number", "relation", "phone")):
            return data  # an empty or removed row
        try:
            data.update(households_io.clean_member(
                name=data.get("name", ""), id_number=data.get("id_number", ""),
                relation=data.get("relation", ""), phone=data.get("phone", "")))
        except ValidationError as error:
            errors_onto(self, error)
        return data

    def member(self) -> dict | None:
        """The member this row holds, or None for an empty or removed row."""
        data = self.cleaned_data
        if data.get("DELETE") or not data.get("id_number"):
            return None
        return {key: data[key] for key in ("name", "id_number", "relation", "phone")}


MemberFormSet = forms.formset_factory(MemberForm, extra=2, max_num=30, validate_max=True)


def member_initial(household: Household | None) -> list[dict]:
    if household is None:
        return []
    return [{key: getattr(member, key) for key in ("name", "id_number", "relation", "phone")}
            for member in household.members.all()]


class HouseholdImportForm(ImportUploadForm):
    caps = households_io.CAPS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Household file (.csv or .xlsx)")
        self.fields["file"].help_text = _("One row per member; the first row holds the column headers.")


class ImportApplyForm(forms.Form):
    """The button that imports a checked file: its key makes a double click start one job."""

    idempotency_key = forms.UUIDField()

