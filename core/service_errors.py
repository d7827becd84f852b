"""Service errors onto forms: a service raises one ValidationError keyed by field, a view shows each
message beside the input it is about.

Keys a service uses:
- a field of the form ("applicant_phone"); `fields` renames a service's key to the form's field
  where the two differ ({"amount_fen": "amount"});
- "<part>" or "<part>.<name>" for a part of the page with inputs of its own: "form_data.purpose"
  (the e-form), "attachments.<material id>" (the scans). `parts` maps the part to its form, or to
  (form, name_of) where the part's names are not its form's field names;
- anything else, and a ValidationError without keys, goes to the top of the form.
A message already shown in a place is not shown there twice. A form whose key was already used with
other content (code "idempotency_conflict") gets `idempotency_conflict = True`: its page then offers a
fresh form (a new key) rather than guessing which of the two was meant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

Part = forms.Form | tuple[forms.Form, Callable[[str], str | None]] | None


def errors_onto(
    form: forms.Form,
    error: ValidationError,
    *,
    parts: Mapping[str, Part] | None = None,
    fields: Mapping[str, str] | None = None,
    fallback: str | None = None,
) -> None:
    """Put `error`'s messages on `form` (and on the forms of the page's `parts`); those that name no
    field of the form go beside `fallback`, or to the top."""
    if getattr(error, "code", None) == "idempotency_conflict":
        form.idempotency_conflict = True
    if not hasattr(error, "error_dict"):
        add_new(form, fallback, error.messages)
        return
    for key, messages in error.message_dict.items():
        target, field = _place(form, key, parts or {}, fields or {}, fallback)
        add_new(target, field, messages)


def _place(
    form: forms.Form, key: str, parts: Mapping[str, Part], fields: Mapping[str, str], fallback: str | None
):
    head, _dot, rest = key.partition(".")
    if head in parts:
        part = parts[head]
        if part is None:  # the page does not show that part
            return form, fallback
        part_form, name_of = part if isinstance(part, tuple) else (part, None)
        name = (name_of(rest) if name_of else rest) if rest else None
        return part_form, name if name in part_form.fields else None
    field = fields.get(key, key)
    return form, field if field in form.fields else fallback


def add_new(form: forms.Form, field: str | None, messages) -> None:
    """Add `messages` to `form` beside `field` (None: at the top), skipping any already shown there."""
    shown = form.errors.get(field or NON_FIELD_ERRORS, [])
    for message in messages:
        if message not in shown:
            form.add_error(field, message)
