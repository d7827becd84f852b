"""Catalogue sub-items (子项): the one-level rule, the item form, the 上级事项编码 column round trip, and the
pages that show sub-items under their parent (back office, resident guide, counter search)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent
from gov_services.catalogue import spreadsheets as cio
from gov_services.catalogue.imports import catalogue_import
from gov_services.catalogue.services import service_item_create, service_item_update
from gov_services.models import ServiceItem
from tests.factories import DepartmentFactory, ServiceItemFactory, region

pytestmark = pytest.mark.django_db

HEADER = [column.header for column in cio.COLUMNS]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _fields(department, **overrides):
    return {"code": "XK-02", "name": "某许可", "department": department, "category": "licence",
            "legal_limit_days": 20, "promised_limit_days": 10, **overrides}


# ---------------------------------------------------------------------------------------------
# Model rules (through the services)
# ---------------------------------------------------------------------------------------------

def test_a_sub_item_is_created_under_a_top_level_item_of_its_department(department, licence):
    item = service_item_create(actor=None, parent=licence["parent"], **_fields(department))
    assert item.parent == licence["parent"]
    assert set(licence["parent"].sub_items.all()) == {licence["new"], licence["renew"], item}


def test_a_sub_item_of_a_sub_item_is_refused(department, licence):
    with pytest.raises(ValidationError) as refused:
        service_item_create(actor=None, parent=licence["new"], **_fields(department))
    assert "only one level deep" in " ".join(refused.value.message_dict["parent"])
    assert not ServiceItem.objects.filter(code="XK-02").exists()


def test_an_item_with_sub_items_cannot_become_a_sub_item_so_no_cycle(licence):
    with pytest.raises(ValidationError) as refused:
        service_item_update(item=licence["parent"], actor=None, parent=licence["other"])
    assert "has sub-items of its own" in " ".join(refused.value.message_dict["parent"])
    with pytest.raises(ValidationError) as cycle:  # parent → its own sub-item
        service_item_update(item=licence["parent"], actor=None, parent=licence["new"])
    assert "parent" in cycle.value.message_dict
    licence["parent"].refresh_from_db()
    assert licence["parent"].parent is None


def test_an_item_cannot_be_its_own_parent(licence):
    with pytest.raises(ValidationError) as refused:
        service_item_update(item=licence["other"], actor=None, parent=licence["other"])
    assert refused.value.message_dict["parent"] == ["An item cannot be its own parent."]


def test_the_parent_must_belong_to_the_same_department(tree, licence):
    town = DepartmentFactory(region=tree["townships"][0], level="township")
    with pytest.raises(ValidationError) as refused:
        service_item_create(actor=None, parent=licence["parent"], **_fields(town))
    assert "another department" in " ".join(refused.value.message_dict["parent"])


def test_the_errors_are_zh_hans_for_the_user(licence):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        service_item_update(item=licence["other"], actor=None, parent=licence["new"])
    assert "子项只能有一级" in refused.value.message_dict["parent"][0]


def test_changing_the_parent_is_audited_by_code(licence):
    service_item_update(item=licence["other"], actor=None, parent=licence["parent"])
    event = AuditEvent.objects.filter(action="service_item.updated").latest("pk")
    assert event.data["changes"]["parent"] == [None, "XK-01"]


# ---------------------------------------------------------------------------------------------
# The item form
# ---------------------------------------------------------------------------------------------

def _form_data(department, **overrides):
    data = {"code": "XK-03", "name": "食品经营许可（变更）", "department": department.pk, "category": "licence",
            "lowest_level": "village", "legal_limit_days": "20", "promised_limit_days": "10", "fee_yuan": "0",
            "is_active": "on", "description": "", "form_schema": "",
            "materials-TOTAL_FORMS": "1", "materials-INITIAL_FORMS": "0", "materials-MIN_NUM_FORMS": "0",
            "materials-MAX_NUM_FORMS": "1000"}
    data.update(overrides)
    return data


def test_the_form_sets_the_parent_and_offers_only_top_level_items(client, county_admin, department, licence):
    client.force_login(county_admin)
    form = client.get(reverse("gov_services:service-item-create")).context["form"]
    assert set(form.fields["parent"].queryset) == {licence["parent"], licence["other"]}
    response = client.post(reverse("gov_services:service-item-create"),
                           _form_data(department, parent=licence["parent"].pk))
    assert response.status_code == 302
    assert ServiceItem.objects.get(code="XK-03").parent == licence["parent"]
    edit = client.get(reverse("gov_services:service-item-update", args=[licence["parent"].pk])).context["form"]
    assert licence["parent"] not in edit.fields["parent"].queryset  # not its own parent


def test_the_form_puts_the_services_refusal_beside_the_parent_field(client, county_admin, department, licence):
    client.force_login(county_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    data = _form_data(department, code=licence["parent"].code, name=licence["parent"].name,
                      parent=licence["other"].pk)
    response = client.post(reverse("gov_services:service-item-update", args=[licence["parent"].pk]), data)
    assert response.status_code == 200
    assert "本事项已有子项" in " ".join(response.context["form"].errors["parent"])
    assert response.context["form"]["name"].value() == licence["parent"].name  # what was typed stays


# ---------------------------------------------------------------------------------------------
# Import and export
# ---------------------------------------------------------------------------------------------

def _export() -> bytes:
    items = ServiceItem.objects.select_related("department", "parent").prefetch_related("materials")
    return cio.catalogue_export(items=items.order_by("code"), fmt="csv")


def _import(data: bytes, county):
    return catalogue_import(file=io.BytesIO(data), filename="目录.csv", actor=None, county=county)


def _relations():
    return dict(ServiceItem.objects.values_list("code", "parent__code"))


def _csv(rows) -> bytes:
    lines = [",".join(HEADER)] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _row(code, name, parent="", department="GA"):
    cells = dict.fromkeys(HEADER, "")
    cells.update({"事项编码": code, "事项名称": name, "实施部门": department, "事项类别": "行政许可",
                  "法定时限": "20", "承诺时限": "10", "上级事项编码": parent})
    return [cells[h] for h in HEADER]


def test_export_names_the_parent_and_import_round_trips_it(tree, licence):
    data = _export()
    assert "上级事项编码" in data.decode("utf-8-sig").splitlines()[0]
    before = _relations()
    again = _import(data, tree["county"])  # re-import: nothing changes
    assert again.ok, again.problems
    assert (again.created, again.updated) == (0, 0)
    ServiceItem.objects.filter(parent__isnull=False).delete()  # sub-items first: a parent is protected
    ServiceItem.objects.all().delete()
    result = _import(data, tree["county"])  # into an empty catalogue: parents resolved within the file
    assert result.ok, result.problems
    assert result.created == 4
    assert _relations() == before
    assert _export() == data


def test_import_resolves_a_parent_already_in_the_catalogue_and_detaches_on_an_empty_cell(tree, department,
                                                                                        licence):
    department.code = "GA"
    department.save()
    result = _import(_csv([_row("XK-01-03", "食品经营许可（注销）", parent="XK-01"),
                           _row("XK-01-02", "食品经营许可（延续）", parent="")]), tree["county"])
    assert result.ok, result.problems
    assert _relations()["XK-01-03"] == "XK-01"
    assert _relations()["XK-01-02"] is None


@pytest.mark.parametrize("rows, line, fragment", [
    ([_row("A-1", "甲", parent="NOPE")], 2, "No item with the code “NOPE”"),
    ([_row("A-1", "甲", parent="A-1")], 2, "its own parent"),
    ([_row("A-1", "甲"), _row("A-2", "乙", parent="A-1"), _row("A-3", "丙", parent="A-2")], 4, "one level deep"),
    ([_row("A-2", "乙", parent="XK-01-01")], 2, "one level deep"),
    ([_row("A-2", "乙"), _row("XK-01", "食品经营许可", parent="A-2")], 3, "has sub-items of its own"),
])
def test_import_refuses_bad_parents_row_by_row_and_writes_nothing(tree, department, licence, rows, line, fragment):
    department.code = "GA"
    department.save()
    before = _relations()
    result = _import(_csv(rows), tree["county"])
    assert not result.ok
    assert any(p.line == line and p.column == "上级事项编码" and fragment in p.message for p in result.problems), \
        result.problems
    assert _relations() == before


def test_import_refuses_a_parent_in_another_county(tree, department, licence):
    department.code = "GA"
    department.save()
    elsewhere = DepartmentFactory(region=region("county", tree["city"]))
    ServiceItemFactory(department=elsewhere, code="X-01")
    result = _import(_csv([_row("A-1", "甲", parent="X-01")]), tree["county"])
    assert [p.column for p in result.problems] == ["上级事项编码"]


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------

def test_the_back_office_pages_show_the_relation(client, county_admin, licence):
    client.force_login(county_admin)
    page = client.get(reverse("gov_services:service-item-detail", args=[licence["parent"].pk]))
    assert list(page.context["sub_items"]) == [licence["new"], licence["renew"]]
    assert reverse("gov_services:service-item-detail", args=[licence["new"].pk]) in page.content.decode()
    sub_page = client.get(reverse("gov_services:service-item-detail", args=[licence["new"].pk])).content.decode()
    assert reverse("gov_services:service-item-detail", args=[licence["parent"].pk]) in sub_page
    listed = [item.code for item in client.get(reverse("gov_services:service-item-list")).context["items"]]
    assert listed.index("XK-01-01") == listed.index("XK-01") + 1  # each sub-item right under its parent


def test_the_resident_guide_of_a_parent_lists_its_sub_items_instead_of_an_apply_button(client, licence):
    page = client.get(reverse("gov_services:resident-service-item-detail", args=["XK-01"]))
    html = page.content.decode()
    assert [item.code for item in page.context["sub_items"]] == ["XK-01-01", "XK-01-02"]
    assert reverse("gov_services:resident-service-item-detail", args=["XK-01-01"]) in html
    assert reverse("gov_services:resident-service-request-create", args=["XK-01"]) not in html
    sub = client.get(reverse("gov_services:resident-service-item-detail", args=["XK-01-01"]))
    assert sub.context["sub_items"] == []
    assert reverse("gov_services:resident-service-item-detail", args=["XK-01"]) in sub.content.decode()


def test_the_resident_list_nests_sub_items_under_their_parent(client, licence):
    items = list(client.get(reverse("gov_services:resident-service-item-list")).context["items"])
    assert licence["new"] not in items  # shown under the parent, not twice
    parent = next(item for item in items if item == licence["parent"])
    assert parent.sub_item_list == [licence["new"], licence["renew"]]
    found = list(client.get(reverse("gov_services:resident-service-item-list"), {"q": "延续"}).context["items"])
    assert found == [licence["renew"]]


def test_the_counter_chooses_a_sub_item_not_the_parent(client, operator, licence):
    client.force_login(operator)
    response = client.get(reverse("gov_services:counter-request-create"))
    items = response.context["items"]
    parent = next(item for item in items if item == licence["parent"])
    assert parent.sub_item_list == [licence["new"], licence["renew"]]
    html = response.content.decode()
    assert reverse("gov_services:counter-application-create", args=[licence["new"].pk]) in html
    assert reverse("gov_services:counter-application-create", args=[licence["parent"].pk]) not in html


def test_the_demo_file_imports_a_licence_with_its_sub_items_and_again_changes_nothing(tree):
    DepartmentFactory(region=tree["county"], code="LT-GAJ")
    with open("demo/data/catalogue_subitems.csv", "rb") as file:
        data = file.read()
    first = _import(data, tree["county"])
    assert first.ok, first.problems
    assert first.created == 3
    assert _relations() == {"LT-GAJ-20": None, "LT-GAJ-20-01": "LT-GAJ-20", "LT-GAJ-20-02": "LT-GAJ-20"}
    again = _import(data, tree["county"])
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
