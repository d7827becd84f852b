"""Submitted e-form data: checked and turned into JSON-ready values, and laid out for display."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.masking import mask_id_number, mask_mobile
from gov_services.catalogue.eforms.build import build_form, field_label
from gov_services.catalogue.eforms.schema import (
    BOOLEAN,
    CHOICE,
    ID_NUMBER,
    MULTICHOICE,
    PHONE,
    TEXT,
    TEXTAREA,
    TYPE_LABELS,
)


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
