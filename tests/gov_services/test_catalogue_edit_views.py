"""The catalogue screens at /county/catalogue/: creating and editing an item with its materials and e-form, and
every refusal shown beside its field."""

import json

import pytest

from core.models import AuditEvent
from gov_services.models import ServiceItem
from tests.factories import DepartmentFactory, region
from tests.gov_services.catalogue_screens import SCHEMA, login, url

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Create and edit
# ---------------------------------------------------------------------------------------------

def form_data(department, materials=(), **overrides):
    data = {
        "code": "MZ-001", "name": "最低生活保障申请", "department": department.pk, "category": "public_service",
        "lowest_level": "village", "legal_limit_days": "30", "promised_limit_days": "20", "fee_yuan": "0",
        "online_allowed": "on", "is_active": "on", "description": "村级受理",
        "form_schema": json.dumps(SCHEMA, ensure_ascii=False),
        "materials-TOTAL_FORMS": str(len(materials) + 1), "materials-INITIAL_FORMS": "0",
        "materials-MIN_NUM_FORMS": "0", "materials-MAX_NUM_FORMS": "1000",
    }
    for index, (name, form, required) in enumerate(materials):
        data[f"materials-{index}-name"] = name
        data[f"materials-{index}-form"] = form
        if required:
            data[f"materials-{index}-required"] = "on"
    data.update(overrides)
    return data


def test_creating_an_item_saves_it_with_materials_and_e_form_and_goes_to_its_page(client, county_admin,
                                                                                 department):
    login(client, county_admin)
    response = client.post(url("service-item-create"), form_data(
        department, [("身份证", "copy", True), ("照片", "scan", False)], fee_yuan="12.5"))
    item = ServiceItem.objects.get(code="MZ-001")
    assert response.status_code == 302 and response["Location"] == url("service-item-detail", item.pk)
    assert (item.pinyin_initials, item.fee_fen, item.form_schema, item.online_allowed, item.issues_certificate) == (
        "zdshbzsq", 1250, SCHEMA, True, False)
    assert [(m.name, m.form, m.required) for m in item.materials.all()] == [
        ("身份证", "copy", True), ("照片", "scan", False)]
    assert AuditEvent.objects.get(action="service_item.created").actor == county_admin


@pytest.mark.parametrize("overrides, field, fragment", [
    ({"form_schema": '[{"name": "x",'}, "form_schema", "not valid JSON"),
    ({"form_schema": '[{"name": "x", "type": "colour", "label": "颜色"}]'}, "form_schema", "unknown type"),
    ({"promised_limit_days": "31"}, "promised_limit_days", "longer than the legal limit"),
    ({"fee_yuan": "1.005"}, "fee_yuan", ""),
    ({"code": "HJ-001"}, "code", "already has this code"),
])
def test_a_bad_item_form_shows_the_error_beside_the_field_and_saves_nothing(client, county_admin, department,
                                                                            service_item, overrides, field,
                                                                            fragment):
    login(client, county_admin)
    response = client.post(url("service-item-create"), form_data(department, [("身份证", "copy", True)],
                                                                  **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and fragment in " ".join(errors[field])
    assert 'class="cz-error-summary"' in response.content.decode()
    assert ServiceItem.objects.count() == 1  # only the fixture's


def test_a_material_listed_twice_is_refused_and_nothing_is_saved(client, county_admin, department):
    login(client, county_admin)
    response = client.post(url("service-item-create"), form_data(
        department, [("身份证", "copy", True), ("身份证", "copy", False)]))
    assert response.status_code == 200
    assert "listed twice" in " ".join(response.context["formset"].non_form_errors())
    assert not ServiceItem.objects.exists()


def test_a_department_outside_the_county_cannot_be_chosen(client, county_admin, tree):
    elsewhere = DepartmentFactory(region=region("county", tree["city"]))
    response = login(client, county_admin).post(url("service-item-create"), form_data(elsewhere))
    assert response.status_code == 200 and "department" in response.context["form"].errors
    assert not ServiceItem.objects.exists()


def test_the_edit_form_starts_from_the_stored_item(client, county_admin, catalogue):
    response = login(client, county_admin).get(url("service-item-update", catalogue["hjzm"].pk))
    form, formset = response.context["form"], response.context["formset"]
    assert form["fee_yuan"].value() == "12.50"
    assert '"label": "用途"' in form["form_schema"].value()
    assert [f["name"].value() for f in formset.forms[:2]] == ["身份证", "户口簿"]


def test_editing_an_item_changes_it_and_its_materials_and_leaves_an_audit_event(client, county_admin, catalogue):
    item = catalogue["hjzm"]
    login(client, county_admin)
    data = form_data(item.department, [("身份证", "original", True), ("结婚证", "copy", False)],
                     code=item.code, name="户籍证明（含迁移）", form_schema="", fee_yuan="0")
    response = client.post(url("service-item-update", item.pk), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.name, item.fee_fen, item.form_schema) == ("户籍证明（含迁移）", 0, [])
    assert [m.name for m in item.materials.all()] == ["身份证", "结婚证"]
    event = AuditEvent.objects.get(action="service_item.updated")
    assert set(event.data["changes"]) >= {"name", "fee_fen", "form_schema"}
    assert event.data["materials"] == {"added": 1, "changed": 0, "removed": 1}


def test_a_refused_edit_leaves_the_item_as_it_was(client, county_admin, catalogue):
    item = catalogue["hjzm"]
    login(client, county_admin)
    response = client.post(url("service-item-update", item.pk), form_data(
        item.department, [("新材料", "copy", True)], code=item.code, name="改名", promised_limit_days="99"))
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.name == "户籍证明" and [m.name for m in item.materials.all()] == ["身份证", "户口簿"]


