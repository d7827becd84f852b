"""Catalogue services (create, update, validation, audit) and selectors (search, levels, scope per role)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import translation

from core.audit import audit_events_for
from core.models import AuditEvent
from gov_services.models import RequiredMaterial, ServiceItem
from gov_services.selectors import catalogue as selectors
from gov_services.services import catalogue as services
from stations.scope import scope_for
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory, region


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted by their English msgids; the zh-hans catalogue must not change that."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db

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


# ---------------------------------------------------------------------------------------------
# Search and accepting levels
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def items(department):
    make = ServiceItemFactory
    return {
        "hjzm": make(department=department, code="GA-01", name="户籍证明", lowest_level="village", online_allowed=True),
        "jzzm": make(department=department, code="GA-02", name="居住证明", lowest_level="township"),
        "cs": make(department=department, code="GA-03", name="出生登记", lowest_level="county",
                   category="licence"),
        "old": make(department=department, code="GA-04", name="户籍迁移（停用）", is_active=False),
        "zd": make(department=department, code="MZ-01", name="最低生活保障申请", lowest_level="community"),
    }


def names(queryset):
    return [item.name for item in queryset]


@pytest.mark.parametrize("query, expected", [
    ("户籍", ["户籍证明"]),
    ("证明", ["户籍证明", "居住证明"]),
    ("hjzm", ["户籍证明"]),
    ("HJZM", ["户籍证明"]),
    ("hj", ["户籍证明"]),
    ("zm", ["户籍证明", "居住证明"]),
    ("GA-03", ["出生登记"]),
    ("ga-0", ["户籍证明", "居住证明", "出生登记"]),
    ("zdsh", ["最低生活保障申请"]),
    ("居住 zm", ["居住证明"]),
    ("不存在", []),
    ("", ["户籍证明", "居住证明", "出生登记", "最低生活保障申请"]),
])
def test_search_matches_chinese_substrings_codes_and_pinyin_initials(items, query, expected):
    assert names(selectors.service_item_search(query=query)) == expected


def test_search_puts_the_exact_code_and_prefix_matches_first(items, department):
    ServiceItemFactory(department=department, code="ZM", name="准迁证明")  # initials zqzm
    assert names(selectors.service_item_search(query="zm"))[0] == "准迁证明"  # exact code
    ServiceItemFactory(department=department, code="X-1", name="证明材料补交")  # initials zmclbj
    assert names(selectors.service_item_search(query="证明"))[:1] == ["证明材料补交"]


def test_search_leaves_out_inactive_items_unless_asked(items):
    assert "户籍迁移（停用）" not in names(selectors.service_item_search(query="户籍"))
    assert "户籍迁移（停用）" in names(selectors.service_item_search(query="户籍", include_inactive=True))


def test_search_filters_by_department_category_online_and_level(items, department):
    other = DepartmentFactory(region=department.region)
    ServiceItemFactory(department=other, name="户籍证明补办", code="ZZ-1")
    assert names(selectors.service_item_search(query="户籍", department_id=department.pk)) == ["户籍证明"]
    assert names(selectors.service_item_search(category="licence")) == ["出生登记"]
    assert names(selectors.service_item_search(online_only=True)) == ["户籍证明"]
    assert names(selectors.service_item_search(accepting_level="village")) == ["户籍证明", "户籍证明补办"]
    assert names(selectors.service_item_search(query="证明", accepting_level="township")) == [
        "户籍证明", "居住证明", "户籍证明补办"]


def test_search_is_one_query(items, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert [item.department.name for item in selectors.service_item_search(query="zm")]


@pytest.mark.parametrize("level, accepted", [
    ("village", ["village"]),
    ("community", ["village", "community"]),
    ("township", ["village", "community", "township"]),
    ("county", ["village", "community", "township", "county"]),
    ("city", ["village", "community", "township", "county", "city"]),
])
def test_an_office_accepts_items_whose_lowest_level_is_at_or_below_its_own(level, accepted):
    assert selectors.levels_accepted_at(level) == accepted


def test_items_acceptable_at_a_level(items):
    assert names(selectors.items_acceptable_at("village").order_by("code")) == ["户籍证明"]
    assert names(selectors.items_acceptable_at("community").order_by("code")) == ["户籍证明", "最低生活保障申请"]
    assert len(selectors.items_acceptable_at("city")) == 4  # the inactive one never


def test_an_unknown_level_is_a_programming_error():
    with pytest.raises(ValueError):
        selectors.levels_accepted_at("province")


# ---------------------------------------------------------------------------------------------
# Back-office scope
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def scoped(tree, department):
    """An item of the county bureau, of each township's centre and of a neighbouring county."""
    town0 = DepartmentFactory(region=tree["townships"][0], level="township")
    town1 = DepartmentFactory(region=tree["townships"][1], level="township")
    elsewhere = DepartmentFactory(region=region("county", tree["city"]))
    return {
        "county": ServiceItemFactory(department=department, code="A-1"),
        "town0": ServiceItemFactory(department=town0, code="A-2"),
        "town1": ServiceItemFactory(department=town1, code="A-3"),
        "elsewhere": ServiceItemFactory(department=elsewhere, code="A-4"),
    }


@pytest.mark.parametrize("who, visible", [
    ("superuser", {"county", "town0", "town1", "elsewhere"}),
    ("county_admin", {"county", "town0", "town1"}),
    ("township_admin", {"county", "town0", "town1"}),  # the whole county catalogue, read-only
    ("officer", {"county"}),
    ("operator", set()),
    ("resident", set()),
])
def test_each_role_sees_its_part_of_the_catalogue(request, scoped, who, visible):
    user = request.getfixturevalue(who)
    codes = {item.code for item in selectors.service_item_list_for_admin(user=user)}
    assert codes == {scoped[key].code for key in visible}


def test_an_officer_in_two_departments_sees_both(officer, scoped):
    from tests.factories import DepartmentMembershipFactory

    DepartmentMembershipFactory(user=officer, department=scoped["town1"].department)
    assert {i.code for i in selectors.service_item_list_for_admin(user=officer)} == {"A-1", "A-3"}


@pytest.mark.parametrize("who, key", [
    ("county_admin", "county"), ("county_admin", "town1"), ("township_admin", "county"), ("officer", "county"),
    ("superuser", "elsewhere"),
])
def test_access_service_item_by_id_within_scope(request, scoped, who, key):
    item = selectors.access_service_item_by_id(user=request.getfixturevalue(who), item_id=scoped[key].pk)
    assert item == scoped[key]


@pytest.mark.parametrize("who, key", [
    ("county_admin", "elsewhere"), ("township_admin", "elsewhere"), ("officer", "town0"), ("operator", "county"),
    ("resident", "county"),
])
def test_access_service_item_by_id_outside_scope_is_not_found(request, scoped, who, key):
    with pytest.raises(Http404):
        selectors.access_service_item_by_id(user=request.getfixturevalue(who), item_id=scoped[key].pk)


def test_access_service_item_by_id_answers_an_unknown_id_alike(superuser):
    with pytest.raises(Http404):
        selectors.access_service_item_by_id(user=superuser, item_id=987654)


@pytest.mark.parametrize("who, key, answer", [
    ("superuser", "elsewhere", None),
    ("county_admin", "county", None),
    ("county_admin", "town0", None),
    ("county_admin", "elsewhere", Http404),  # another county's item: not theirs
    ("township_admin", "town0", PermissionDenied),  # no one who edits the catalogue
    ("officer", "county", PermissionDenied),
    ("operator", "county", PermissionDenied),
])
def test_only_county_admins_of_the_county_may_edit(request, scoped, who, key, answer):
    user = request.getfixturevalue(who)
    if answer is None:
        assert selectors.access_service_item_for_edit(user=user, item_id=scoped[key].pk) == scoped[key]
        assert selectors.can_edit_service_item(user=user, item=scoped[key])
    else:
        with pytest.raises(answer):
            selectors.access_service_item_for_edit(user=user, item_id=scoped[key].pk)
        assert not selectors.can_edit_service_item(user=user, item=scoped[key])


def test_a_county_admin_without_the_change_permission_may_not_edit(tree, department):
    from django.contrib.auth.models import Group

    from accounts.roles import Role
    from tests.factories import StaffAssignmentFactory

    Group.objects.get(name=Role.COUNTY_ADMIN).permissions.remove(
        *Group.objects.get(name=Role.COUNTY_ADMIN).permissions.filter(codename="change_serviceitem"))
    admin = UserFactory(roles=[Role.COUNTY_ADMIN])
    StaffAssignmentFactory(user=admin, role="county_admin", region=tree["county"])
    item = ServiceItemFactory(department=department)
    assert not admin.has_perm("gov_services.change_serviceitem")
    with pytest.raises(PermissionDenied):
        selectors.access_service_item_for_edit(user=admin, item_id=item.pk)


def test_editable_departments_and_import_counties_follow_the_edit_scope(tree, scoped, county_admin,
                                                                        township_admin, superuser):
    in_county = {scoped[k].department for k in ("county", "town0", "town1")}
    assert set(selectors.editable_department_list(user=county_admin)) == in_county
    assert not selectors.editable_department_list(user=township_admin).exists()
    assert list(selectors.import_county_list(user=county_admin)) == [tree["county"]]
    assert not selectors.import_county_list(user=township_admin).exists()
    assert selectors.import_county_list(user=superuser).count() == 2


def test_who_may_open_the_back_office_catalogue(county_admin, township_admin, officer, operator, resident,
                                                superuser):
    assert all(selectors.can_view_catalogue(user=u) for u in (county_admin, township_admin, officer, superuser))
    assert not any(selectors.can_view_catalogue(user=u) for u in (operator, resident))


def test_the_admin_list_is_one_query(scoped, county_admin, django_assert_num_queries):
    scope_for(county_admin)  # once per request
    with django_assert_num_queries(1):  # the items with their departments
        assert [i.department.name for i in selectors.service_item_list_for_admin(user=county_admin)]


# ---------------------------------------------------------------------------------------------
# Demo catalogue
# ---------------------------------------------------------------------------------------------

class _Progress:
    def __init__(self):
        self.steps = []

    def step(self, label, n=1):
        self.steps.append(label)


def test_the_demo_catalogue_is_believable_and_seeding_twice_adds_nothing():
    from core.models import AuditEvent, ImportJob
    from demo.seeding.catalogue import seed_catalogue
    from demo.seeding.county import seed_admins, seed_departments, seed_regions
    from gov_services.eforms import build_form, validate_schema

    progress = _Progress()
    demo = seed_regions(progress)
    seed_admins(demo, progress)
    seed_departments(demo, progress)
    seed_catalogue(demo, progress)
    items = list(ServiceItem.objects.select_related("department", "parent").prefetch_related("materials"))
    assert len(items) >= 40
    # Through the catalogue import, as the county admin: one job per file, its audit events.
    jobs = ImportJob.objects.filter(kind="gov_services.catalogue", user__username="county_admin")
    assert sorted(jobs.values_list("filename", flat=True)) == ["catalogue.csv", "catalogue_subitems.csv"]
    assert sum(job.result["created"] for job in jobs) == len(items)
    assert AuditEvent.objects.filter(action="catalogue.imported").count() == 2
    assert {item.code for item in items if item.parent} == {"LT-GAJ-20-01", "LT-GAJ-20-02"}
    assert len({item.department.code for item in items}) >= 14  # every bureau and the township centres
    assert {item.lowest_level for item in items} >= {"village", "township", "county"}
    assert {item.category for item in items} == set(ServiceItem.Category.values)
    assert sum(item.lowest_level == "village" for item in items) >= 25
    assert sum(item.online_allowed for item in items) >= 15
    assert sum(bool(item.form_schema) for item in items) >= 20
    assert any(item.fee_fen for item in items)
    for item in items:
        validate_schema(item.form_schema)
        build_form(item.form_schema)
        assert item.pinyin_initials and item.promised_limit_days <= item.legal_limit_days
    names = {item.name for item in items}
    assert {"户籍证明", "出生登记", "最低生活保障申请", "城乡居民基本养老保险参保登记", "个体工商户营业执照",
            "有线电视故障报修", "路灯维修", "临时救助", "残疾人证办理", "农机购置补贴", "高龄津贴", "居住证明"} <= names
    assert progress.steps[-1] == "service catalogue"

    before = ServiceItem.objects.count(), ImportJob.objects.count(), AuditEvent.objects.count()
    seed_catalogue(demo, progress)
    assert (ServiceItem.objects.count(), ImportJob.objects.count(), AuditEvent.objects.count()) == before
