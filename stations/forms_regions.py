"""Forms of the region pages (stations/views_regions.py)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ImportUploadForm
from stations.models import Region
from stations.regions import codes
from stations.regions.import_file import CAPS

VILLAGE_CHOICES = [(Region.Level.VILLAGE.value, Region.Level.VILLAGE.label),
                   (Region.Level.COMMUNITY.value, Region.Level.COMMUNITY.label)]


class RegionRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=60)


class VillageAddForm(forms.Form):
    name = forms.CharField(label=_("Village or community name"), max_length=60)
    code = forms.CharField(label=_("Division code"), max_length=12, min_length=12,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{12}",
                                                         "autocomplete": "off"}),
                           help_text=_("The 12-digit 统计用区划代码: the township's first nine digits and three "
                                       "of the village's own (residents' committees 001–199, villagers' "
                                       "committees 200–399)."))
    level = forms.ChoiceField(label=_("Level"), choices=VILLAGE_CHOICES)


def suggested_village_code(township: Region) -> str:
    """The next free villagers' committee number (200–399) after the township's highest one."""
    prefix = codes.canonical(township.code)[:9]
    taken = {codes.canonical(code)[9:] for code in township.get_children().values_list("code", flat=True)}
    numbers = [int(number) for number in taken if number.isdigit() and 200 <= int(number) <= 399]
    following = max(numbers, default=199) + 1
    candidates = [n for n in range(following, 400) if f"{n:03d}" not in taken]
    return f"{prefix}{candidates[0]:03d}" if candidates else ""


class RegionMergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=Region.objects.none(),
                                  empty_label=_("Choose a village"))
    reason = forms.CharField(label=_("Reason or decision reference"), max_length=200,
                             help_text=_("For example the county's document number; it goes into the history."))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Region.objects.filter(pk__in=[target.pk for target in targets]).order_by("code")


class RegionImportForm(ImportUploadForm):
    caps = CAPS


class RegionImportApplyForm(forms.Form):
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())

    def clean_idempotency_key(self):
        return self.cleaned_data["idempotency_key"] or uuid.uuid4()
