"""Schema → Django form: one form field per schema field, with the browser's hints, and the fields bound
to the applicant section of the filing form."""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.validators import id_number_input_attrs, mobile_input_attrs, validate_id_number, validate_mobile
from gov_services.catalogue.eforms.schema import (
    BINDINGS,
    BOOLEAN,
    CHOICE,
    DATE,
    DECIMAL,
    ID_NUMBER,
    INTEGER,
    MULTICHOICE,
    PHONE,
    TEXT,
    TEXT_MAX_LENGTH,
    TEXTAREA,
)


def _english() -> bool:
    return (get_language() or "").lower().startswith("en")


def field_label(field: dict) -> str:
    """The field's label in the active language (label_en in English when present)."""
    if _english() and field.get("label_en"):
        return field["label_en"]
    return field.get("label") or field.get("name", "")


def field_help(field: dict) -> str:
    """The field's help text in the active language (help_en in English when present)."""
    if _english() and field.get("help_en"):
        return field["help_en"]
    return field.get("help", "")


class _PatternValidator:
    """The whole value must match `pattern` (fullmatch, so authors need not write ^…$)."""

    def __init__(self, pattern: str, message: str):
        self.regex = re.compile(pattern)
        self.message = message

    def __call__(self, value):
        if value and not self.regex.fullmatch(value):
            raise ValidationError(self.message, code="invalid")

    def __eq__(self, other):
        return isinstance(other, _PatternValidator) and self.regex.pattern == other.regex.pattern


class IdNumberField(forms.CharField):
    """A resident ID card number (18 characters, check digit), normalised by gov_services.identifiers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)  # spaces and full-width digits are folded by the validator
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), **id_number_input_attrs()}

    def clean(self, value):
        value = super().clean(value)
        return validate_id_number(value) if value else value


class MobileField(forms.CharField):
    """A mainland mobile number, normalised by gov_services.identifiers."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "tel"}))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), **mobile_input_attrs()}

    def clean(self, value):
        value = super().clean(value)
        return validate_mobile(value) if value else value


def _decimal_bound(value) -> Decimal:
    return Decimal(str(value))


def build_field(field: dict) -> forms.Field:
    """One Django form field for one schema field (the schema is assumed valid), with its browser hints."""
    built = _build_field(field)
    if field.get("type") == INTEGER:
        built.widget.attrs["inputmode"] = "numeric"
    elif field.get("type") == DECIMAL:
        built.widget.attrs["inputmode"] = "decimal"
    elif field.get("pattern"):
        built.widget.attrs["pattern"] = field["pattern"]
    if field.get("bind"):
        # Filled from the applicant section (the server does it; the page mirrors it as it is typed).
        built.widget.attrs.update({"readonly": True, "data-bind": field["bind"]})
        built.bound_to = field["bind"]
        built.help_text = _("Filled in from the applicant section above.")
    return built


def _build_field(field: dict) -> forms.Field:
    kind = field["type"]
    common = {"label": field_label(field), "required": bool(field.get("required", False)),
              "help_text": field_help(field)}
    if kind in (TEXT, TEXTAREA):
        validators = []
        if field.get("pattern"):
            validators.append(_PatternValidator(
                field["pattern"], field.get("pattern_message") or _("Enter a value in the required format.")))
        widget = forms.Textarea(attrs={"rows": 4}) if kind == TEXTAREA else forms.TextInput
        return forms.CharField(max_length=field.get("max_length", TEXT_MAX_LENGTH[kind]),
                               min_length=field.get("min_length"), validators=validators, widget=widget,
                               **common)
    if kind == INTEGER:
        return forms.IntegerField(min_value=field.get("min"), max_value=field.get("max"), **common)
    if kind == DECIMAL:
        return forms.DecimalField(
            min_value=_decimal_bound(field["min"]) if "min" in field else None,
            max_value=_decimal_bound(field["max"]) if "max" in field else None,
            decimal_places=field.get("decimal_places", 2), max_digits=18, **common)
    if kind == DATE:
        validators, attrs = [], {"type": "date"}
        if "min" in field:
            validators.append(MinValueValidator(date.fromisoformat(field["min"])))
            attrs["min"] = field["min"]
        if "max" in field:
            validators.append(MaxValueValidator(date.fromisoformat(field["max"])))
            attrs["max"] = field["max"]
        return forms.DateField(validators=validators, widget=forms.DateInput(attrs=attrs, format="%Y-%m-%d"),
                               **common)
    if kind == CHOICE:
        return forms.ChoiceField(choices=[("", _("— choose —")), *map(tuple, field["choices"])], **common)
    if kind == MULTICHOICE:
        return forms.MultipleChoiceField(choices=list(map(tuple, field["choices"])),
                                         widget=forms.CheckboxSelectMultiple, **common)
    if kind == BOOLEAN:
        return forms.BooleanField(**common)
    if kind == ID_NUMBER:
        return IdNumberField(**common)
    if kind == PHONE:
        return MobileField(**common)
    raise ValueError(f"unknown e-form field type {kind!r}")


def form_class_for(schema: list[dict]) -> type[forms.Form]:
    """A Form subclass with one field per schema field, in schema order."""
    fields = {field["name"]: build_field(field) for field in schema}
    return type("ElectronicForm", (forms.Form,), {**fields, "schema": schema})


def build_form(schema: list[dict], *, data=None, prefix: str | None = "eform", initial=None) -> forms.Form:
    """A bound (when `data` is given) or unbound instance of the schema's form."""
    return form_class_for(schema)(data=data, prefix=prefix, initial=initial)


def bound_fields(schema: list[dict]) -> dict[str, str]:
    """{e-form field name: the applicant input it is bound to} for the schema's bound fields."""
    return {field["name"]: field["bind"] for field in schema or () if field.get("bind") in BINDINGS}


def apply_bindings(schema: list[dict], data: dict, *, applicant: dict[str, str]) -> dict:
    """`data` with every bound field set to the applicant's value (`applicant`: "applicant_name",
    "applicant_id_number", "applicant_phone"); what the browser sent for a bound field is ignored."""
    bindings = bound_fields(schema)
    if not bindings or not isinstance(data, dict):
        return data
    return {**data, **{name: (applicant.get(bind) or "").strip() for name, bind in bindings.items()}}
