"""The care desk's forms: intake, confirmation, the registries; the responder's steps at the door."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from care.models import CareCall, CareResident, Need, Responder, Service
from core.money import YuanField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PhoneLookupForm(forms.Form):
    phone = forms.CharField(label=_("Caller's phone number"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autofocus": True}))


class CallForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    service = forms.ChoiceField(label=_("Service"), choices=Service.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=CareCall.Urgency.choices,
                                initial=CareCall.Urgency.ROUTINE, widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=_("Channel"), choices=CareCall.Channel.choices,
                                initial=CareCall.Channel.HOTLINE)
    description = forms.CharField(label=_("What is needed"), max_length=300,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class CounterCallForm(CallForm):
    """At the counter or by the liaison: the channel is who takes it (care.views_counter.channel_for)."""

    channel = None


class HelpForm(forms.Form):
    """The resident's help button: its key makes a double press one call."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Rating"), coerce=int, widget=forms.RadioSelect,
                                    choices=[(n, "★" * n) for n in range(5, 0, -1)])
    note = forms.CharField(label=_("Comment"), max_length=300, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=200)


class CheckInForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ResidentForm(forms.ModelForm):
    needs = forms.MultipleChoiceField(label=_("Conditions that matter for service"), choices=Need.choices,
                                      required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text=_("Only with the resident's consent; nothing else is kept."))
    contact1_name = forms.CharField(label=_("Emergency contact"), max_length=60, required=False)
    contact1_relation = forms.CharField(label=_("Relation"), max_length=30, required=False)
    contact1_phone = forms.CharField(label=_("Contact's phone"), max_length=20, required=False)
    contact2_name = forms.CharField(label=_("Second emergency contact"), max_length=60, required=False)
    contact2_relation = forms.CharField(label=_("Relation"), max_length=30, required=False)
    contact2_phone = forms.CharField(label=_("Contact's phone"), max_length=20, required=False)

    class Meta:
        model = CareResident
        fields = ["household", "name", "phone", "kind", "lives_alone", "needs", "needs_consent_on",
                  "checkin_every_days", "active"]
        widgets = {"needs_consent_on": DATE}

    def __init__(self, *args, households=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["household"]
            for n, contact in enumerate(self.instance.contacts.all()[:2], start=1):
                for key in ("name", "relation", "phone"):
                    self.initial[f"contact{n}_{key}"] = getattr(contact, key)
        else:
            self.fields["household"].queryset = households
            self.fields["household"].label_from_instance = (
                lambda h: f"{h.grid.station.village.name} · {h.grid.name} · {h.house_number}")
            del self.fields["active"]

    def contacts(self) -> list[dict]:
        data = self.cleaned_data
        return [{key: data.get(f"contact{n}_{key}", "").strip() for key in ("name", "relation", "phone")}
                for n in (1, 2)]

    def values(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.Meta.fields if key in self.cleaned_data}


class ResponderForm(forms.ModelForm):
    services = forms.MultipleChoiceField(label=_("Services offered"), choices=Service.choices,
                                         widget=forms.CheckboxSelectMultiple)
    max_charge_fen = YuanField(label=_("Most charged for one call (yuan)"))
    subsidy_fen = YuanField(label=_("County subsidy per completed call (yuan)"))

    class Meta:
        model = Responder
        fields = ["region", "name", "kind", "services", "villages", "opens_at", "closes_at", "capacity", "terms",
                  "max_charge_fen", "subsidy_fen", "contact_name", "phone", "contract_starts_on",
                  "contract_ends_on", "status"]
        widgets = {"contract_starts_on": DATE, "contract_ends_on": DATE, "opens_at": TIME, "closes_at": TIME,
                   "villages": forms.CheckboxSelectMultiple, "terms": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, regions=None, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["villages"].queryset = villages
        if self.instance.pk:
            del self.fields["region"]
        else:
            self.fields["region"].queryset = regions

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("region", None)
        data.pop("villages", None)
        return data


class CompleteForm(forms.Form):
    note = forms.CharField(label=pgettext_lazy("care completion", "What was done"), max_length=300,
                           widget=forms.Textarea(attrs={"rows": 2}))
    amount = YuanField(label=_("Charged to the resident (yuan)"), initial=0)
