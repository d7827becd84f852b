"""The counter's application form: e-form fields bound to the applicant are filled by the server and
shown read-only, and the browser's hints (length, pattern, inputmode) come from the server's own rules."""

import re
import uuid

import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    ID_NUMBER_LENGTH,
    MOBILE_LENGTH,
    id_number_input_attrs,
    mobile_input_attrs,
    validate_id_number,
    validate_mobile,
)
from gov_services.catalogue import eforms
from gov_services.requests.forms_counter import ApplicationForm
from gov_services.requests.services import service_request_submit
from tests.factories import upload, valid_id_number
from tests.gov_services.counter_helpers import scan_png, url
from tests.gov_services.draft_helpers import bad_id, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


# ---------------------------------------------------------------------------------------------
# Fields filled once are not asked twice
# ---------------------------------------------------------------------------------------------

BOUND_SCHEMA = [
    {"name": "purpose", "type": "text", "label": "用途", "required": True},
    {"name": "sfzh", "type": "id_number", "label": "申请人身份证号", "required": True, "bind": "applicant_id_number"},
    {"name": "lxdh", "type": "phone", "label": "联系电话", "required": True, "bind": "applicant_phone"},
    {"name": "xm", "type": "text", "label": "姓名", "bind": "applicant_name"},
]


def test_a_binding_is_declared_in_the_schema_and_checked():
    eforms.validate_schema(BOUND_SCHEMA)
    with pytest.raises(ValidationError) as bad:
        eforms.validate_schema([{"name": "a", "type": "text", "label": "甲", "bind": "applicant_address"},
                                {"name": "b", "type": "integer", "label": "乙", "bind": "applicant_phone"}])
    text = " ".join(bad.value.messages)
    assert "“bind”" in text and "applicant_phone" in text


def test_the_server_fills_bound_fields_from_the_applicant_whatever_was_sent(operator, station, request_item, id_card):
    request_item.form_schema = BOUND_SCHEMA
    request_item.save()
    filed = service_request_submit(
        actor=operator, idempotency_key=uuid.uuid4(), kind="application", item=request_item,
        applicant_name="王秀英", applicant_id_number=valid_id_number(3).lower(), applicant_phone="138 1234 5678",
        consent="witnessed", channel="counter", station=station,
        form_data={"purpose": "入学", "lxdh": "13900000000"},  # the ID number not sent; a wrong phone ignored
        attachments=[upload("a.png", scan_png(), material=id_card)])
    assert filed.form_data == {"purpose": "入学", "sfzh": valid_id_number(3), "lxdh": "13812345678", "xm": "王秀英"}


def test_a_bad_applicant_id_number_is_reported_once_not_again_in_the_bound_field(operator_client, request_item,
                                                                                  form_data):
    request_item.form_schema = BOUND_SCHEMA
    request_item.save()
    response = post(operator_client, request_item, form_data(applicant_id_number=bad_id()))
    assert response.context["form"].errors["applicant_id_number"]
    assert "sfzh" not in response.context["eform"].errors


def test_bound_fields_are_rendered_read_only_and_mirror_the_applicant(operator_client, request_item):
    request_item.form_schema = BOUND_SCHEMA
    request_item.save()
    page = operator_client.get(url("counter-application-create", request_item.pk)).content.decode()
    field = re.search(r'<input[^>]*name="eform-sfzh"[^>]*>', page).group(0)
    assert 'data-bind="applicant_id_number"' in field and "readonly" in field
    assert 'data-bind="applicant_phone"' in re.search(r'<input[^>]*name="eform-lxdh"[^>]*>', page).group(0)
    assert "application-drafts.js" in page


# ---------------------------------------------------------------------------------------------
# The browser's hints are the server's rules
# ---------------------------------------------------------------------------------------------

def _attrs(html: str, name: str) -> dict:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    return dict(re.findall(r'([a-z-]+)="([^"]*)"', tag)) | {k: True for k in re.findall(r"\s(required|readonly)[\s>]",
                                                                                          tag)}


ID_SAMPLES = [valid_id_number(n) for n in range(1, 6)] + [
    valid_id_number(2)[:-1], valid_id_number(2) + "1", "1101011990030712Y3"[:18], "11010119900307123A",
    "abcdefghijklmnopqr"]
PHONE_SAMPLES = ["13812345678", "19912345678", "12812345678", "1381234567", "138123456789", "23812345678",
                 "1381234567a"]


def _server_accepts(validator, value) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def _browser_accepts(attrs, value) -> bool:
    return len(value) <= int(attrs["maxlength"]) and re.fullmatch(attrs["pattern"], value) is not None


@pytest.mark.parametrize("where", ["counter", "eform"])
def test_rendered_id_and_phone_hints_agree_with_the_server_validators(operator_client, request_item, where):
    request_item.form_schema = [{"name": "sfzh", "type": "id_number", "label": "身份证号"},
                                {"name": "lxdh", "type": "phone", "label": "电话"}]
    request_item.save()
    page = operator_client.get(url("counter-application-create", request_item.pk)).content.decode()
    id_attrs = _attrs(page, "applicant_id_number" if where == "counter" else "eform-sfzh")
    phone_attrs = _attrs(page, "applicant_phone" if where == "counter" else "eform-lxdh")

    assert int(id_attrs["maxlength"]) == ID_NUMBER_LENGTH and int(phone_attrs["maxlength"]) == MOBILE_LENGTH
    assert phone_attrs["inputmode"] == "numeric" and id_attrs["inputmode"] == "text"  # an ID may end in X
    for value in ID_SAMPLES:
        if _server_accepts(validate_id_number, value):  # all the server takes, the browser takes
            assert _browser_accepts(id_attrs, value) and _browser_accepts(id_attrs, value.lower()), value
    for value in ID_SAMPLES:
        if not _browser_accepts(id_attrs, value):  # what the browser marks, the server refuses
            assert not _server_accepts(validate_id_number, value), value
    for value in PHONE_SAMPLES:
        assert _browser_accepts(phone_attrs, value) == _server_accepts(validate_mobile, value), value
    if where == "counter":
        assert id_attrs.get("required") and phone_attrs.get("required")


def test_hints_are_made_from_the_validators_rules_in_one_place():
    assert id_number_input_attrs()["maxlength"] == str(ID_NUMBER_LENGTH)
    assert mobile_input_attrs()["maxlength"] == str(MOBILE_LENGTH)
    form = ApplicationForm()
    assert form.fields["applicant_id_number"].widget_attrs(form.fields["applicant_id_number"].widget)[
        "pattern"] == id_number_input_attrs()["pattern"]


def test_eform_fields_carry_required_inputmode_and_length_hints():
    form = eforms.build_form([
        {"name": "n", "type": "integer", "label": "人数", "required": True},
        {"name": "d", "type": "decimal", "label": "收入"},
        {"name": "t", "type": "text", "label": "村组", "max_length": 20, "pattern": "[0-9]{1,3}组",
         "pattern_message": "如 3组"},
    ])
    html = str(form)
    assert re.search(r'<input[^>]*name="eform-n"[^>]*inputmode="numeric"[^>]*required', html)
    assert 'inputmode="decimal"' in html
    text = re.search(r'<input[^>]*name="eform-t"[^>]*>', html).group(0)
    assert 'maxlength="20"' in text and 'pattern="[0-9]{1,3}组"' in text
