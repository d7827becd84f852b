"""Catalogue services: pinyin initials, creating and updating items with their materials, validation and audit.
Search and accepting levels are in test_catalogue_search.py, the back-office scope in test_catalogue_scope.py."""

import pytest
from django.core.exceptions import ValidationError

from core.audit import audit_events_for
from core.models import AuditEvent
from gov_services.catalogue import services
from gov_services.models import RequiredMaterial, ServiceItem
from tests.factories import ServiceItemFactory

# Messages are asserted by their English msgids (the english_messages fixture, conftest.py).
pytestmark = [pytest.mark.usefixtures("english_messages"), pytest.mark.django_db]

SCHEMA = [{"name": "family_size", "type": "integer", "label": "家庭人口数", "required": True, "min": 1}]


def item_fields(department, **overrides):
    return {"code": "MZ-001", "name": "最低生活保障申请", "department": department, "category": "public_service",
            "lowest_level": "village", "legal_limit_days": 30, "promised_limit_days": 20, "fee_fen": 0,
            "issues_certificate": False, "online_allowed": True, "form_schema": SCHEMA, **overrides}


MATERIALS = [{"name": "身份证", "form": "copy"}, {"name": "户口簿", "form": "copy"},
             {"name": "照片", "form": "scan", "required": False, "note": "近期一寸"}]


# ---------------------------------------------------------------------------------------------
# pinyin
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, initials", [
    ("户籍证明", "hjzm"),
    ("最低生活保障申请", "zdshbzsq"),
    ("新农合（城乡居民医保）报销", "xnhcxjmybbx"),
    ("5G 基站报修", "5gjzbx"),
    ("ABC证明", "abczm"),
    ("重庆市居住证", "cqsjzz"),
    ("", ""),
])
def test_pinyin_initials_are_lower_case_first_letters_with_latin_and_digits_kept(name, initials):
    assert services.pinyin_initials(name) == initials


# ---------------------------------------------------------------------------------------------
# service_item_create
# ---------------------------------------------------------------------------------------------

def test_create_saves_the_item_its_materials_in_order_and_an_audit_event(department, county_admin):
    item = services.service_item_create(actor=county_admin, materials=MATERIALS, **item_fields(department))
    item.refresh_from_db()
    assert item.pinyin_initials == "zdshbzsq"
    assert item.form_schema == SCHEMA
    assert [(m.name, m.form, m.required, m.note, m.position) for m in item.materials.all()] == [
        ("身份证", "copy", True, "", 0), ("户口簿", "copy", True, "", 1), ("照片", "scan", False, "近期一寸", 2)]
    (event,) = audit_events_for(item)
    assert (event.action, event.actor, event.data["materials"]) == ("service_item.created", county_admin, 3)


def test_create_without_a_form_schema_stores_an_empty_form(department):
    item = services.service_item_create(actor=None, **item_fields(department, form_schema=None))
    assert item.form_schema == [] and item.materials.count() == 0


@pytest.mark.parametrize("overrides, field, fragment", [
    ({"promised_limit_days": 31}, "promised_limit_days", "longer than the legal limit (30 working days)"),
    ({"form_schema": [{"name": "x", "type": "colour", "label": "颜色"}]}, "form_schema", "unknown type"),
    ({"form_schema": {"name": "x"}}, "form_schema", "list of fields"),
    ({"fee_fen": -1}, "fee_fen", ""),
    ({"name": ""}, "name", ""),
    ({"category": "lottery"}, "category", "lottery"),
    ({"lowest_level": "province"}, "lowest_level", "province"),
    ({"code": "C" * 31}, "code", "30"),
])
def test_create_refuses_bad_fields_with_a_message_on_the_field_and_saves_nothing(department, overrides, field,
                                                                                 fragment):
    with pytest.raises(ValidationError) as caught:
        services.service_item_create(actor=None, materials=MATERIALS, **item_fields(department, **overrides))
    assert field in caught.value.message_dict
    assert fragment in " ".join(caught.value.message_dict[field])
    assert not ServiceItem.objects.exists() and not RequiredMaterial.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="service_item").exists()


def test_create_refuses_a_code_already_in_the_catalogue(department, service_item):
    with pytest.raises(ValidationError) as caught:
        services.service_item_create(actor=None, **item_fields(department, code=service_item.code))
    assert "code" in caught.value.message_dict


@pytest.mark.parametrize("materials, fragment", [
    ([{"name": "身份证", "form": "copy"}, {"name": "身份证", "form": "copy"}], "listed twice"),
    ([{"name": "身份证", "form": "fax"}], "fax"),
    ([{"name": "", "form": "copy"}], "Material 1"),
    ([{"name": "长" * 121}], "Material 1"),
])
def test_create_refuses_a_bad_materials_list(department, materials, fragment):
    with pytest.raises(ValidationError) as caught:
        services.service_item_create(actor=None, materials=materials, **item_fields(department))
    assert fragment in " ".join(caught.value.message_dict["materials"])
    assert not ServiceItem.objects.exists()


def test_create_lists_problems_of_fields_and_materials_together(department):
    with pytest.raises(ValidationError) as caught:
        services.service_item_create(actor=None, materials=[{"name": "", "form": "copy"}],
                                     **item_fields(department, promised_limit_days=99, name=""))
    assert {"promised_limit_days", "name", "materials"} <= set(caught.value.message_dict)


def test_same_material_in_two_forms_is_allowed(department):
    item = services.service_item_create(actor=None, materials=[{"name": "身份证", "form": "original"},
                                                               {"name": "身份证", "form": "copy"}],
                                        **item_fields(department))
    assert item.materials.count() == 2


def test_create_rejects_a_field_it_does_not_know(department):
    with pytest.raises(TypeError):
        services.service_item_create(actor=None, **item_fields(department), pinyin_initials="x")


# ---------------------------------------------------------------------------------------------
# service_item_update
# ---------------------------------------------------------------------------------------------

def test_update_changes_fields_refreshes_pinyin_and_audits_old_and_new(service_item, county_admin):
    item = services.service_item_update(item=service_item, actor=county_admin, name="户籍登记证明",
                                        promised_limit_days=3)
    item.refresh_from_db()
    assert (item.name, item.pinyin_initials, item.promised_limit_days) == ("户籍登记证明", "hjdjzm", 3)
    (event,) = audit_events_for(item)
    assert event.action == "service_item.updated" and event.actor == county_admin
    assert event.data["changes"] == {"name": ["户籍证明", "户籍登记证明"], "promised_limit_days": [10, 3]}


def test_update_with_nothing_changed_writes_no_audit_event(service_item):
    services.service_item_update(item=service_item, actor=None, name=service_item.name,
                                 materials=[{"name": "身份证", "form": "original"}, {"name": "户口簿", "form": "copy"}])
    assert not audit_events_for(service_item).exists()


def test_update_compares_with_the_stored_row_not_with_a_changed_instance(service_item):
    service_item.name = "户籍证明（新）"  # e.g. a form already wrote into the instance
    services.service_item_update(item=service_item, actor=None, name="户籍证明（新）")
    (event,) = audit_events_for(service_item)
    assert event.data["changes"]["name"] == ["户籍证明", "户籍证明（新）"]


def test_update_materials_keeps_rows_that_stay_adds_new_and_removes_dropped(service_item):
    kept = service_item.materials.get(name="户口簿")
    services.service_item_update(item=service_item, actor=None, materials=[
        {"name": "户口簿", "form": "copy", "required": False, "note": "户主页"},
        {"name": "结婚证", "form": "scan"},
    ])
    rows = list(service_item.materials.all())
    assert [(m.name, m.form, m.required, m.note, m.position) for m in rows] == [
        ("户口簿", "copy", False, "户主页", 0), ("结婚证", "scan", True, "", 1)]
    assert rows[0].pk == kept.pk  # attachments pointing at it keep their link
    (event,) = audit_events_for(service_item)
    assert event.data == {"changes": {}, "materials": {"added": 1, "changed": 1, "removed": 1}}


def test_update_without_materials_leaves_the_checklist_alone(service_item):
    services.service_item_update(item=service_item, actor=None, fee_fen=500)
    assert service_item.materials.count() == 2


def test_a_refused_update_changes_nothing(service_item):
    with pytest.raises(ValidationError) as caught:
        services.service_item_update(item=service_item, actor=None, promised_limit_days=25, name="新名字",
                                     materials=[{"name": "新材料", "form": "copy"}])
    assert "longer than the legal limit" in caught.value.message_dict["promised_limit_days"][0]
    service_item.refresh_from_db()
    assert (service_item.name, service_item.promised_limit_days) == ("户籍证明", 10)
    assert sorted(service_item.materials.values_list("name", flat=True)) == ["户口簿", "身份证"]
    assert not audit_events_for(service_item).exists()


def test_update_refuses_taking_another_items_code(service_item, department):
    other = ServiceItemFactory(department=department)
    with pytest.raises(ValidationError) as caught:
        services.service_item_update(item=other, actor=None, code=service_item.code)
    assert "code" in caught.value.message_dict

