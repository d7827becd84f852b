"""Checking an e-form's schema (the list of field dicts described in gov_services/catalogue/eforms/__init__.py):
the field types and their keys, and every problem of a schema at once, for the catalogue's editors. Pure.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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

