"""Back-office forms for the service catalogue: the item, its materials checklist, the import upload, and
the item's steps screen.

The forms check the shape of the input and give errors beside each field; the services in
gov_services/catalogue/services.py have the last word (and their errors are put back on the form).
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.utils.translation import gettext_lazy as _

from core.forms import ImportUploadForm
from core.money import YuanField
from gov_services.catalogue.eforms import validate_schema
from gov_services.catalogue.models import RequiredMaterial, ServiceItem, StepKind, StepRole
from gov_services.catalogue.spreadsheets import CAPS, promised_too_long
from gov_services.catalogue.steps import REQUIRED_KINDS, StepPlan, default_plan

SCHEMA_EXAMPLE = ('[{"name": "family_size", "type": "integer", "label": "家庭人口数", "required": true, "min": 1},\n'
                  ' {"name": "reason", "type": "textarea", "label": "申请理由", "required": true}]')


class SchemaJSONField(forms.JSONField):
    """The e-form as editable, indented JSON; empty means "no form"."""

    default_error_messages = {"invalid": _("This is not valid JSON. Check brackets, commas and quotes.")}

    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value
        if value in (None, "", []):
            return ""
        return json.dumps(value, ensure_ascii=False, indent=2)

    def to_python(self, value):
        value = super().to_python(value)
        return [] if value is None else value


class ServiceItemForm(forms.ModelForm):
    fee_yuan = YuanField(label=_("Fee (yuan)"), min_fen=0, initial=0, help_text=_("0 for a free service."))
    form_schema = SchemaJSONField(
        label=_("Electronic form (JSON)"), required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "cz-code",
                                     "placeholder": SCHEMA_EXAMPLE}),
        help_text=_("A list of fields: name, type (text, textarea, integer, decimal, date, choice, multichoice, "
                    "boolean, id_number, phone), label, required, and rules. Leave empty for no form."))

    field_order = ["code", "name", "department", "parent", "category", "lowest_level", "legal_limit_days",
                   "promised_limit_days", "fee_yuan", "fee_waived_low_income", "issues_certificate", "issued_by_village_committee",
                   "online_allowed", "is_active"]

    class Meta:
        model = ServiceItem
        fields = ["code", "name", "department", "category", "lowest_level", "legal_limit_days",
                  "promised_limit_days", "issues_certificate", "online_allowed", "is_active", "description",
                  "form_schema", "parent", "fee_waived_low_income", "issued_by_village_committee"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        # Only top-level items can be parents (one level deep); the service checks the department.
        self.fields["parent"].queryset = ServiceItem.objects.filter(
            department__in=departments, parent__isnull=True).exclude(pk=self.instance.pk).order_by("code")
        self.fields["parent"].empty_label = _("— none: a top-level item —")
        if self.instance.pk:
            self.fields["fee_yuan"].initial = self.instance.fee_fen

    def clean_form_schema(self):
        schema = self.cleaned_data["form_schema"]
        validate_schema(schema)
        return schema

    def clean(self):
        cleaned = super().clean()
        legal, promised = cleaned.get("legal_limit_days"), cleaned.get("promised_limit_days")
        if legal is not None and promised is not None and promised > legal:
            self.add_error("promised_limit_days", promised_too_long(promised, legal))
        return cleaned

    def _post_clean(self):
        # The instance is not ours to change here: the service re-reads and saves it. Only run the
        # unique check on the code (the model's other rules are the service's to apply).
        if "code" in self.cleaned_data:
            clash = ServiceItem.objects.filter(code=self.cleaned_data["code"]).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("code", _("Another service item already has this code."))

    def service_fields(self) -> dict:
        """The cleaned values as keyword arguments for service_item_create / service_item_update."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["fee_fen"] = self.cleaned_data["fee_yuan"]
        return data


class MaterialForm(forms.Form):
    name = forms.CharField(label=_("Material"), max_length=120)
    form = forms.ChoiceField(label=_("Form"), choices=RequiredMaterial.Form.choices,
                             initial=RequiredMaterial.Form.ORIGINAL)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def has_changed(self):
        """A row without a material name is an empty row, whatever its other cells say."""
        return bool((self["name"].data or "").strip())


class BaseMaterialFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        # Every row may be left empty (clearing a name drops the material, like ticking Remove).
        return {**super().get_form_kwargs(index), "empty_permitted": True}

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if (self.can_delete and self._should_delete_form(form)) or not form.cleaned_data:
                continue
            key = (form.cleaned_data["name"].strip(), form.cleaned_data["form"])
            if key in seen:
                raise ValidationError(_("“%(name)s” (%(form)s) is listed twice.")
                                      % {"name": key[0], "form": dict(RequiredMaterial.Form.choices)[key[1]]})
            seen.add(key)

    def materials(self) -> list[dict]:
        """The kept rows, in order, as dicts for the services."""
        return [
            {"name": form.cleaned_data["name"], "form": form.cleaned_data["form"],
             "required": form.cleaned_data["required"], "note": form.cleaned_data["note"]}
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]


MaterialFormSet = forms.formset_factory(MaterialForm, formset=BaseMaterialFormSet, extra=3, can_delete=True,
                                        max_num=60, validate_max=True)


def material_initial(item: ServiceItem | None) -> list[dict]:
    if item is None:
        return []
    return [{"name": m.name, "form": m.form, "required": m.required, "note": m.note} for m in item.materials.all()]


class CatalogueImportForm(ImportUploadForm):
    caps = CAPS
    county = forms.ModelChoiceField(label=_("County"), queryset=None, empty_label=None)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Catalogue file (.csv or .xlsx)")
        self.fields["file"].help_text = _("One row per item; the first row holds the column headers.")
        self.fields["county"].queryset = counties
        only = list(counties[:2])
        self.single_county = only[0] if len(only) == 1 else None
        if self.single_county:  # nothing to choose: the admin's own county
            self.fields["county"].required = False
            self.fields["county"].widget = forms.HiddenInput()

    def clean_county(self):
        return self.single_county or self.cleaned_data["county"]


# ---------------------------------------------------------------------------------------------
# The item's steps screen: one row per kind of step (acceptance, review and approval always on; site
# inspection and public notice optional), each with its order, limit, role and separation; and the
# overall limit. Only parses: service_item_steps_set (catalogue/services.py) checks the whole.
# ---------------------------------------------------------------------------------------------

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
