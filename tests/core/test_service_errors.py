"""core/service_errors.py: a service's ValidationError, keyed by field, onto the page's forms."""

from django import forms
from django.core.exceptions import ValidationError

from core.service_errors import errors_onto


class PersonForm(forms.Form):
    name = forms.CharField(required=False)
    amount = forms.IntegerField(required=False)


class ScansForm(forms.Form):
    material_7 = forms.CharField(required=False)


def _bound(form_class):
    form = form_class(data={})
    assert form.is_valid()
    return form


def test_each_message_goes_beside_its_field_and_the_rest_on_top():
    form = _bound(PersonForm)
    errors_onto(form, ValidationError({"name": ["Enter a name."], "village": ["No such village."]}))
    assert form.errors["name"] == ["Enter a name."]
    assert form.non_field_errors() == ["No such village."]


def test_a_service_key_is_renamed_to_the_forms_field():
    form = _bound(PersonForm)
    errors_onto(form, ValidationError({"amount_fen": ["Too much."]}), fields={"amount_fen": "amount"})
    assert form.errors["amount"] == ["Too much."]


def test_a_keyless_error_goes_on_top_once_and_a_conflict_is_flagged():
    form = _bound(PersonForm)
    conflict = ValidationError("Sent before with other content.", code="idempotency_conflict")
    errors_onto(form, conflict)
    errors_onto(form, conflict)
    assert form.non_field_errors() == ["Sent before with other content."]
    assert form.idempotency_conflict is True


def test_dotted_keys_go_to_the_part_of_the_page_they_name():
    form, eform, scans = _bound(PersonForm), _bound(PersonForm), _bound(ScansForm)
    errors_onto(
        form,
        ValidationError(
            {
                "form_data.name": ["Required."],
                "form_data": ["The form is incomplete."],
                "attachments.7": ["Attach a scan of: ID card."],
                "attachments.8": ["“a.jpg” is not an image."],
            }
        ),
        parts={"form_data": eform, "attachments": (scans, lambda material: f"material_{material}")},
    )
    assert eform.errors["name"] == ["Required."] and eform.non_field_errors() == ["The form is incomplete."]
    assert scans.errors["material_7"] == ["Attach a scan of: ID card."]
    assert scans.non_field_errors() == ["“a.jpg” is not an image."]
    assert not form.errors


def test_a_part_the_page_does_not_show_goes_on_top_of_the_form():
    form = _bound(PersonForm)
    errors_onto(form, ValidationError({"form_data.name": ["Required."]}), parts={"form_data": None})
    assert form.non_field_errors() == ["Required."]


def test_messages_that_name_no_field_may_go_beside_a_fallback_field():
    form = _bound(PersonForm)
    errors_onto(form, ValidationError({"grid": ["No such grid."]}), fallback="name")
    errors_onto(form, ValidationError("Refused."), fallback="name")
    assert form.errors["name"] == ["No such grid.", "Refused."]
