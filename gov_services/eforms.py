"""Electronic forms (电子表单) defined as data.

A service item's `form_schema` is a list of field dicts; this module checks such a schema,
turns it into a real Django form, validates submitted data against it and lays submitted
data out for display. Adding an item never needs code. Pure: no ORM.

A field::

    {"name": "monthly_income",            # slug: a–z, 0–9, _; starts with a letter; unique
     "type": "decimal",                   # see TYPES below
     "label": "家庭月收入（元）",          # data, in Chinese; "label_en" optional
     "required": true,                    # default false
     "help": "全家每月合计", "help_en": "…",  # optional
     "min": 0, "max": 100000,             # integer / decimal: numbers; date: "YYYY-MM-DD"
     "decimal_places": 2}                 # decimal only, default 2

Text fields take "min_length" / "max_length" and "pattern" (a regular expression the
*whole* value must match) with an optional "pattern_message". Choice fields take
"choices": [[value, label], …] (label may be a Chinese string; values are strings).
A required boolean is a box that must be ticked ("I confirm …").

A field may be bound to the applicant section of the filing form with "bind" (see BINDINGS): the
applicant's name, ID number or mobile number is then not asked again. The server fills a bound
field from the applicant's value whatever was sent (`apply_bindings`); the page shows it read-only
and mirrors the applicant's input as it is typed.

The browser's hints (required, maxlength, pattern, inputmode) are generated here from the same field
definitions, and for ID and mobile numbers from core/validators.py, so one rule lives in one place.
"""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core.masking import mask_id_number, mask_mobile
from core.validators import id_number_input_attrs, mobile_input_attrs, validate_id_number, validate_mobile

TEXT, TEXTAREA, INTEGER, DECIMAL, DATE = "text", "textarea", "integer", "decimal", "date"
CHOICE, MULTICHOICE, BOOLEAN, ID_NUMBER, PHONE = "choice", "multichoice", "boolean", "id_number", "phone"
TYPES = (TEXT, TEXTAREA, INTEGER, DECIMAL, DATE, CHOICE, MULTICHOICE, BOOLEAN, ID_NUMBER, PHONE)
TYPE_LABELS = {
    TEXT: gettext_lazy("Text"), TEXTAREA: gettext_lazy("Long text"), INTEGER: gettext_lazy("Whole number"),
    DECIMAL: gettext_lazy("Number"), DATE: gettext_lazy("Date"), CHOICE: gettext_lazy("One choice"),
    MULTICHOICE: gettext_lazy("Several choices"), BOOLEAN: gettext_lazy("Yes / no"),
    ID_NUMBER: gettext_lazy("ID card number"), PHONE: gettext_lazy("Mobile number"),
}

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 60
MAX_LABEL = 100
COMMON_KEYS = {"name", "type", "label", "label_en", "required", "help", "help_en", "bind"}
# What a field may be bound to (the applicant section's inputs), and the field types each fits.
BINDINGS = {
    "applicant_name": (TEXT,),
    "applicant_id_number": (ID_NUMBER, TEXT),
    "applicant_phone": (PHONE, TEXT),
}
EXTRA_KEYS = {
    TEXT: {"min_length", "max_length", "pattern", "pattern_message"},
    TEXTAREA: {"min_length", "max_length", "pattern", "pattern_message"},
    INTEGER: {"min", "max"},
    DECIMAL: {"min", "max", "decimal_places"},
    DATE: {"min", "max"},
    CHOICE: {"choices"},
    MULTICHOICE: {"choices"},
    BOOLEAN: set(),
    ID_NUMBER: set(),
    PHONE: set(),
}
TEXT_MAX_LENGTH = {TEXT: 200, TEXTAREA: 2000}


# ---------------------------------------------------------------------------------------------
# Schema validation
# ---------------------------------------------------------------------------------------------

def validate_schema(schema) -> None:
    """Raise ValidationError listing every problem of `schema`; return None when it is sound."""
    problems: list[str] = []
    if not isinstance(schema, list):
        raise ValidationError(_("The electronic form must be a list of fields."), code="invalid_schema")
    if len(schema) > MAX_FIELDS:
        problems.append(_("The electronic form has %(count)d fields; at most %(max)d are allowed.")
                        % {"count": len(schema), "max": MAX_FIELDS})
    seen: dict[str, int] = {}
    for position, field in enumerate(schema, start=1):
        if not isinstance(field, dict):
            problems.append(_("Field %(position)d: must be an object with name, type and label.")
                            % {"position": position})
            continue
        name = field.get("name")
        where = (_("Field %(position)d “%(name)s”") % {"position": position, "name": name}
                 if isinstance(name, str) and name else _("Field %(position)d") % {"position": position})
        for problem in _field_problems(field, seen, position):
            problems.append(f"{where}: {problem}")
    if problems:
        raise ValidationError(problems, code="invalid_schema")


def _field_problems(field: dict, seen: dict[str, int], position: int) -> list[str]:
    problems = []
    name, kind = field.get("name"), field.get("type")
    if not isinstance(name, str) or not name:
        problems.append(_("the name is missing."))
    elif not NAME_RE.match(name):
        problems.append(_("the name must start with a lower-case letter and use only a–z, 0–9 and _ "
                          "(at most 40 characters)."))
    elif name in seen:
        problems.append(_("the name is already used by field %(other)d.") % {"other": seen[name]})
    else:
        seen[name] = position

    if kind not in TYPES:
        problems.append(_("unknown type “%(type)s”; use one of %(types)s.")
                        % {"type": kind, "types": ", ".join(TYPES)})
        return problems  # the type-specific checks below would only add noise

    label = field.get("label")
    if not isinstance(label, str) or not label.strip():
        problems.append(_("the label is missing."))
    elif len(label) > MAX_LABEL:
        problems.append(_("the label is longer than %(max)d characters.") % {"max": MAX_LABEL})
    for key in ("label_en", "help", "help_en", "pattern_message"):
        if key in field and not isinstance(field[key], str):
            problems.append(_("“%(key)s” must be text.") % {"key": key})
    if "required" in field and not isinstance(field["required"], bool):
        problems.append(_("“required” must be true or false."))
    if "bind" in field:
        bind = field["bind"]
        if bind not in BINDINGS:
            problems.append(_("“bind” must be one of %(bindings)s.") % {"bindings": ", ".join(BINDINGS)})
        elif kind not in BINDINGS[bind]:
            problems.append(_("a field bound to %(bind)s must be of type %(types)s.")
                            % {"bind": bind, "types": ", ".join(BINDINGS[bind])})

    unknown = set(field) - COMMON_KEYS - EXTRA_KEYS[kind]
    if unknown:
        problems.append(_("“%(keys)s” not allowed for a field of type %(type)s.")
                        % {"keys": ", ".join(sorted(unknown)), "type": kind})

    if kind in (CHOICE, MULTICHOICE):
        problems += _choice_problems(field.get("choices"))
    if kind in (INTEGER, DECIMAL, DATE):
        problems += _bound_problems(field, kind)
    if kind in (TEXT, TEXTAREA):
        problems += _text_problems(field, kind)
    if kind == DECIMAL and "decimal_places" in field:
        places = field["decimal_places"]
        if not _is_int(places) or not 0 <= places <= 6:
            problems.append(_("“decimal_places” must be a whole number from 0 to 6."))
    return problems


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _choice_problems(choices) -> list[str]:
    if not isinstance(choices, list) or not choices:
        return [_("a choice field needs “choices”: a list of [value, label] pairs.")]
    problems, values = [], set()
    for index, pair in enumerate(choices, start=1):
        if (not isinstance(pair, list | tuple) or len(pair) != 2
                or not all(isinstance(part, str) and part.strip() for part in pair)):
            problems.append(_("choice %(index)d must be a [value, label] pair of non-empty texts.")
                            % {"index": index})
        elif pair[0] in values:
            problems.append(_("choice value “%(value)s” appears twice.") % {"value": pair[0]})
        else:
            values.add(pair[0])
    return problems


def _bound_problems(field: dict, kind: str) -> list[str]:
    problems, bounds = [], {}
    for key in ("min", "max"):
        if key not in field:
            continue
        value = field[key]
        if kind == DATE:
            parsed = _parse_iso_date(value)
            if parsed is None:
                problems.append(_("“%(key)s” must be a date written YYYY-MM-DD.") % {"key": key})
            else:
                bounds[key] = parsed
        elif kind == INTEGER and not _is_int(value):
            problems.append(_("“%(key)s” must be a whole number.") % {"key": key})
        elif kind == DECIMAL and not _is_number(value):
            problems.append(_("“%(key)s” must be a number.") % {"key": key})
        else:
            bounds[key] = value
    if len(bounds) == 2 and bounds["min"] > bounds["max"]:
        problems.append(_("“min” is greater than “max”."))
    return problems


def _text_problems(field: dict, kind: str) -> list[str]:
    problems, lengths = [], {}
    for key in ("min_length", "max_length"):
        if key in field:
            value = field[key]
            if not _is_int(value) or value < 0:
                problems.append(_("“%(key)s” must be a whole number, zero or more.") % {"key": key})
            elif value > TEXT_MAX_LENGTH[kind]:
                problems.append(_("“%(key)s” may be at most %(max)d for this type.")
                                % {"key": key, "max": TEXT_MAX_LENGTH[kind]})
            else:
                lengths[key] = value
    if len(lengths) == 2 and lengths["min_length"] > lengths["max_length"]:
        problems.append(_("“min_length” is greater than “max_length”."))
    if "max_length" in lengths and lengths["max_length"] == 0:
        problems.append(_("“max_length” must be at least 1."))
    if "pattern" in field:
        pattern = field["pattern"]
        if not isinstance(pattern, str) or not pattern:
            problems.append(_("“pattern” must be a non-empty regular expression."))
        else:
            try:
                re.compile(pattern)
            except re.error as error:
                problems.append(_("“pattern” is not a valid regular expression: %(error)s") % {"error": error})
    elif "pattern_message" in field:
        problems.append(_("“pattern_message” given without a “pattern”."))
    return problems


def _parse_iso_date(value) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Schema → Django form
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# Dict in, JSON out
# ---------------------------------------------------------------------------------------------

def to_json_data(schema: list[dict], cleaned_data: dict) -> dict:
    """Turn a valid form's cleaned_data into JSON-ready values: dates as ISO strings, decimals as
    strings, empty optional numbers and dates as None, every schema field present."""
    result = {}
    for field in schema:
        value = cleaned_data.get(field["name"])
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif field["type"] == MULTICHOICE:
            value = list(value or [])
        elif field["type"] == BOOLEAN:
            value = bool(value)
        elif value is None and field["type"] in (TEXT, TEXTAREA, CHOICE, ID_NUMBER, PHONE):
            value = ""
        result[field["name"]] = value
    return result


def _as_form_value(field: dict, value):
    """A JSON value as the form machinery expects it (strings, or a list for several choices)."""
    if value is None:
        return [] if field["type"] == MULTICHOICE else ""
    if field["type"] == MULTICHOICE:
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    if field["type"] == BOOLEAN:
        return value  # CheckboxInput understands True/False and "true"/"false"
    if isinstance(value, float):
        return repr(value)
    return value if isinstance(value, str) else str(value)


def clean_form_data(schema: list[dict], data: dict) -> dict:
    """Validate `data` (from the API or a counter) against `schema`; return JSON-ready values.

    Raises ValidationError whose `message_dict` maps each field name (or "__all__") to its messages.
    Keys that are not fields of the form are refused, so a typo never passes silently.
    """
    if not isinstance(data, dict):
        raise ValidationError({"__all__": [_("Form data must be an object of field names and values.")]})
    known = {field["name"] for field in schema}
    errors: dict[str, list[str]] = {
        key: [_("This form has no such field.")] for key in data if key not in known
    }
    form_data = {field["name"]: _as_form_value(field, data.get(field["name"]))
                 for field in schema if field["name"] in data}
    form = build_form(schema, data=form_data, prefix=None)
    if not form.is_valid():
        for name, messages in form.errors.items():
            errors.setdefault(name, []).extend(str(m) for m in messages)
    if errors:
        raise ValidationError(errors)
    return to_json_data(schema, form.cleaned_data)


# ---------------------------------------------------------------------------------------------
# Display
# ---------------------------------------------------------------------------------------------

def display_rows(schema: list[dict], cleaned: dict, *, mask: bool = False) -> list[tuple[str, str]]:
    """(label, value as text) for each field of submitted data, in schema order.

    Values kept under names the schema no longer has follow at the end, labelled by their name,
    so nothing a resident submitted disappears when an item's form is later edited.
    `mask=True` hides the middle of ID numbers and mobile numbers (for lists and receipts).
    """
    cleaned = cleaned or {}
    rows = []
    for field in schema:
        rows.append((field_label(field), _display_value(field, cleaned.get(field["name"]), mask=mask)))
    known = {field["name"] for field in schema}
    for key, value in cleaned.items():
        if key not in known:
            rows.append((key, _display_value({"type": TEXT}, value, mask=mask)))
    return rows


def _display_value(field: dict, value, *, mask: bool) -> str:
    kind = field.get("type")
    empty = "—"
    if kind == BOOLEAN or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or value == "" or value == []:
        return empty
    if kind == CHOICE:
        return dict(map(tuple, field.get("choices", []))).get(value, str(value))
    if kind == MULTICHOICE:
        labels = dict(map(tuple, field.get("choices", [])))
        values = value if isinstance(value, list | tuple) else [value]
        return "、".join(labels.get(v, str(v)) for v in values)
    if kind == ID_NUMBER and mask:
        return mask_id_number(str(value))
    if kind == PHONE and mask:
        return mask_mobile(str(value))
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def describe_field(field: dict) -> str:
    """A short human summary of a field's rules, for the catalogue preview (e.g. "Number, 0–100000")."""
    parts = [str(TYPE_LABELS.get(field.get("type"), field.get("type")))]
    if "min" in field or "max" in field:
        parts.append(f"{field.get('min', '')}–{field.get('max', '')}")
    if "max_length" in field:
        parts.append(_("at most %(n)d characters") % {"n": field["max_length"]})
    if field.get("pattern"):
        parts.append(_("format checked"))
    return ", ".join(parts)
