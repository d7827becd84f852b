"""The item's steps screen: one row per kind of step (acceptance, review and approval always on; site
inspection and public notice optional), each with its order, limit, role and separation; and the
overall limit. Only parses: gov_services/services/item_steps.py checks the whole."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gov_services.models import ServiceItem, StepKind, StepRole
from gov_services.steps import REQUIRED_KINDS, StepPlan, default_plan


class StepRowForm(forms.Form):
    used = forms.BooleanField(label=_("Used"), required=False)
    position = forms.IntegerField(label=_("Step order"), min_value=1, max_value=99)
    limit_days = forms.IntegerField(label=_("Time limit (working days)"), min_value=0, max_value=365)
    role = forms.ChoiceField(label=_("Who may do it"), choices=StepRole.choices)
    separate_from = forms.MultipleChoiceField(label=_("Not by whoever did"), required=False,
                                              choices=StepKind.choices, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.label = StepKind(kind).label
        self.required_kind = kind in REQUIRED_KINDS
        if self.required_kind:
            self.fields["used"].disabled = True
            self.fields["used"].initial = True
        self.fields["separate_from"].choices = [(k, label) for k, label in StepKind.choices if k != kind]


class ItemStepsForm(forms.Form):
    overall_limit_fixed = forms.BooleanField(label=_("Set the overall limit by hand"), required=False)
    promised_limit_days = forms.IntegerField(label=_("Overall limit (working days)"), min_value=0, max_value=365,
                                             required=False)


def step_row_forms(item: ServiceItem, data=None) -> list[StepRowForm]:
    saved = {s.kind: s for s in item.steps.all()}
    defaults = {p.kind: p for p in default_plan(item.promised_limit_days)}
    rows = []
    for index, (kind, _label) in enumerate(StepKind.choices):
        step = saved.get(kind)
        initial = {"used": step is not None or (not saved and kind in REQUIRED_KINDS),
                   "position": (index + 1) * 10 if step is None else step.position,
                   "limit_days": step.limit_days if step else (defaults[kind].limit_days if kind in defaults else 1),
                   "role": step.role if step else StepRole.OFFICER,
                   "separate_from": step.separate_from if step else []}
        rows.append(StepRowForm(data, kind=kind, prefix=f"step-{kind}", initial=initial))
    return rows


def plan_from(rows: list[StepRowForm]) -> list[StepPlan]:
    chosen = [row for row in rows if row.required_kind or row.cleaned_data.get("used")]
    chosen.sort(key=lambda row: (row.cleaned_data["position"], row.kind))
    kinds = {row.kind for row in chosen}
    return [StepPlan(row.kind, row.cleaned_data["limit_days"], row.cleaned_data["role"],
                     tuple(k for k in row.cleaned_data["separate_from"] if k in kinds)) for row in chosen]
