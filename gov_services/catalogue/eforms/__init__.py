"""Electronic forms (电子表单) defined as data.

A service item's `form_schema` is a list of field dicts; this package checks such a schema,
turns it into a real Django form, validates submitted data against it and lays submitted
data out for display. Adding an item never needs code. Pure: no ORM.

A field::

    {"name": "monthly_income",            # slug: a–z, 0–9, _; starts with a letter; unique
     "type": "decimal",                   # see TYPES in schema.py
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

The package: schema.py checks a schema, build.py turns it into a Django form, values.py checks and
displays submitted data. Import the names from here.
"""

from gov_services.catalogue.eforms.build import (
    IdNumberField,
    MobileField,
    apply_bindings,
    bound_fields,
    build_field,
    build_form,
    field_help,
    field_label,
    form_class_for,
)
from gov_services.catalogue.eforms.schema import (
    BINDINGS,
    BOOLEAN,
    CHOICE,
    COMMON_KEYS,
    DATE,
    DECIMAL,
    EXTRA_KEYS,
    ID_NUMBER,
    INTEGER,
    MAX_FIELDS,
    MAX_LABEL,
    MULTICHOICE,
    NAME_RE,
    PHONE,
    TEXT,
    TEXT_MAX_LENGTH,
    TEXTAREA,
    TYPE_LABELS,
    TYPES,
    validate_schema,
)
from gov_services.catalogue.eforms.values import clean_form_data, describe_field, display_rows, to_json_data

__all__ = [
    "BINDINGS", "BOOLEAN", "CHOICE", "COMMON_KEYS", "DATE", "DECIMAL", "EXTRA_KEYS", "ID_NUMBER", "INTEGER",
    "MAX_FIELDS", "MAX_LABEL", "MULTICHOICE", "NAME_RE", "PHONE", "TEXT", "TEXTAREA", "TEXT_MAX_LENGTH",
    "TYPES", "TYPE_LABELS",
    "IdNumberField", "MobileField", "apply_bindings", "bound_fields", "build_field", "build_form", "clean_form_data",
    "describe_field", "display_rows", "field_help", "field_label", "form_class_for", "to_json_data",
    "validate_schema",
]
