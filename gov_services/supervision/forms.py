"""Forms of the supervision screens: the follow-ups' choice, the outcome of an escalation, the county's
settings and escalation steps, the assessment month. The board's and the escalations' filters are
FilterSets (filters.py)."""

import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.timeutil import month_start, parse_month
from gov_services.models import Card, EscalationStep, FollowUpCallback, SupervisionSettings

_NUMBER = {"class": "cz-input", "inputmode": "numeric"}


class EscalationOutcomeForm(forms.Form):
    call_made = forms.BooleanField(label=_("The call was made (or the talk held)"), required=False)
    outcome = forms.CharField(label=_("Outcome"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3, "class": "cz-input"}),
                              help_text=_("What the department promised or explained, and by when."))


class FollowUpFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("open", _("Open")), ("overdue", _("Overdue")), ("done", _("Done")),
        ("appealed", _("Rating appealed, awaiting decision")), ("all", _("All"))],
        widget=forms.Select(attrs={"class": "cz-select"}))

    def chosen_state(self) -> str:
        """The state asked for; open when none is given or it is not one we know (a stale link)."""
        if self.is_bound and self.is_valid() and self.cleaned_data["state"]:
            return self.cleaned_data["state"]
        return "open"


class FollowUpCallbackForm(forms.Form):
    """The call back to a resident; `submission` is a one-time key so that a double submit records once."""

    result = forms.ChoiceField(label=_("Result of the call"), choices=FollowUpCallback.Result.choices,
                               widget=forms.RadioSelect)
    outcome = forms.CharField(label=_("What the resident said and what was agreed"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4, "class": "cz-input"}))
    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission", uuid.uuid4())
        super().__init__(*args, **kwargs)


class SupervisionSettingsForm(forms.Form):
    yellow_percent = forms.IntegerField(label=_("Yellow card at (per cent of the time limit used)"), min_value=1,
                                        max_value=299, widget=forms.NumberInput(attrs=_NUMBER))
    red_percent = forms.IntegerField(label=_("Red card beyond (per cent of the time limit used)"), min_value=2,
                                     max_value=300, widget=forms.NumberInput(attrs=_NUMBER),
                                     help_text=_("100: as soon as the deadline has passed."))
    returned_close_days = forms.IntegerField(
        label=_("Close returned requests after (working days)"), min_value=1, max_value=250,
        widget=forms.NumberInput(attrs=_NUMBER),
        help_text=_("A request waiting for the resident's supplement this long is closed by the sweep."))
    follow_up_days = forms.IntegerField(
        label=_("Call back after a bad rating within (working days)"), min_value=1, max_value=60, required=False,
        widget=forms.NumberInput(attrs=_NUMBER),
        help_text=_("A dissatisfied rating opens a follow-up: the resident is called back within this limit."))
    weight_on_time = forms.IntegerField(label=_("Weight: on-time rate"), min_value=0, max_value=100,
                                        widget=forms.NumberInput(attrs=_NUMBER))
    weight_satisfaction = forms.IntegerField(label=_("Weight: satisfaction rate"), min_value=0, max_value=100,
                                             widget=forms.NumberInput(attrs=_NUMBER))
    weight_red_cards = forms.IntegerField(label=_("Weight: red cards"), min_value=0, max_value=100,
                                          widget=forms.NumberInput(attrs=_NUMBER))
    weight_follow_ups = forms.IntegerField(label=_("Weight: follow-ups done"), min_value=0, max_value=100,
                                           widget=forms.NumberInput(attrs=_NUMBER))
    officer_share = forms.IntegerField(
        label=_("Share of the officers' scores (%)"), min_value=0, max_value=100, required=False,
        widget=forms.NumberInput(attrs=_NUMBER),
        help_text=_("How much of a department's monthly score comes from the mean score of its officers "
                    "(on time and their own ratings); 0: the department's figures only."))

    @classmethod
    def initial_for(cls, config: SupervisionSettings) -> dict:
        return {name: getattr(config, name) for name in cls.base_fields}

    def clean(self):
        data = super().clean()
        if data.get("yellow_percent") and data.get("red_percent") and data["yellow_percent"] >= data["red_percent"]:
            self.add_error("red_percent", _("The red card must come after the yellow card."))
        weights = [data.get(n) for n in ("weight_on_time", "weight_satisfaction", "weight_red_cards",
                                          "weight_follow_ups")]
        if all(w is not None for w in weights) and sum(weights) == 0:
            raise ValidationError(_("At least one weight must be above zero."))
        return data


class EscalationStepForm(forms.Form):
    label = forms.CharField(label=_("Step name"), max_length=60, widget=forms.TextInput(attrs={"class": "cz-input"}),
                            help_text=_("E.g. 红牌督办电话."))
    card = forms.ChoiceField(label=_("Card"), choices=Card.choices, widget=forms.Select(attrs={"class": "cz-select"}))
    after_days = forms.IntegerField(label=_("After (working days holding the card)"), min_value=0, max_value=60,
                                    initial=0, widget=forms.NumberInput(attrs=_NUMBER))
    notify = forms.ChoiceField(label=_("Send an SMS to"), choices=EscalationStep.Notify.choices,
                               widget=forms.Select(attrs={"class": "cz-select"}))
    task = forms.ChoiceField(label=_("Task"), choices=EscalationStep.Task.choices,
                             widget=forms.Select(attrs={"class": "cz-select"}))
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=1000, initial=100,
                                  widget=forms.NumberInput(attrs=_NUMBER),
                                  help_text=_("Steps are listed and taken in this order."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    @classmethod
    def initial_for(cls, step: EscalationStep) -> dict:
        return {name: getattr(step, name) for name in cls.base_fields}


class AssessmentMonthForm(forms.Form):
    month = forms.CharField(label=_("Month"), required=False,
                            widget=forms.DateInput(attrs={"type": "month", "class": "cz-input"}))

    def month_or(self, default: datetime.date) -> datetime.date:
        """The first day of the month asked for (YYYY-MM), or `default`'s month."""
        try:
            return parse_month((self.data.get("month") or "") if self.is_bound else "")
        except ValueError:
            return month_start(default)


class RatingAppealForm(forms.Form):
    """The department's appeal of a dissatisfied rating; `submission` is a one-time key (one appeal on a
    double submit)."""

    reason = forms.CharField(label=_("Why the rating is unfair"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4, "class": "cz-input"}),
                             error_messages={"required": _("Say why the rating is unfair.")})
    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission", uuid.uuid4())
        super().__init__(*args, **kwargs)


class RatingAppealDecisionForm(forms.Form):
    """The county's decision on a department's appeal of a rating."""

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("upheld", _("Uphold: set the rating aside (it no longer counts in the satisfaction rate)")),
        ("rejected", _("Reject: the rating stands"))],
        error_messages={"required": _("Choose to uphold or reject the appeal.")})
    note = forms.CharField(label=_("The county's reasons"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "cz-input"}),
                           error_messages={"required": _("Write down the reasons for the decision.")})
