"""The catalogue screens at /county/catalogue/: one HTTP test per flow, access per role, no N+1 on the list."""

import csv
import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from core.models import AuditEvent, ImportJob
from gov_services.models import ServiceItem
from gov_services.services.catalogue_import import catalogue_import_submit
from tests.factories import DepartmentFactory, RequiredMaterialFactory, ServiceItemFactory, region

pytestmark = pytest.mark.django_db

SCHEMA = [{"name": "purpose", "type": "choice", "label": "用途", "required": True,
           "choices": [["job", "就业"], ["school", "入学"]]}]


def url(name, *args):
    return reverse(f"gov_services:{name}", args=args)


@pytest.fixture
def catalogue(tree, department, service_item):
    """service_item (户籍证明, county bureau) with an e-form, a township centre's item, another county's item."""
    service_item.form_schema = SCHEMA
    service_item.fee_fen = 1250
    service_item.save()
    town = DepartmentFactory(region=tree["townships"][0], level="township", name="测试镇0便民服务中心")
    elsewhere = DepartmentFactory(region=region("county", tree["city"]), name="邻县民政局")
    return {
        "hjzm": service_item,
        "lamp": ServiceItemFactory(department=town, code="LD-001", name="路灯维修", category="convenience",
                                   online_allowed=True),
        "elsewhere": ServiceItemFactory(department=elsewhere, code="X-001", name="邻县户籍证明"),
    }


def login(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # messages are asserted by their English msgids
    return client


# ---------------------------------------------------------------------------------------------
# Access per role
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, list_, detail, create, edit, import_", [
    ("county_admin", 200, 200, 200, 200, 200),
    ("township_admin", 200, 200, 403, 403, 403),
    ("officer", 200, 200, 403, 403, 403),
    ("operator", 403, 403, 403, 403, 403),
    ("resident", 403, 403, 403, 403, 403),
    ("superuser", 200, 200, 200, 200, 200),
])
def test_who_may_open_which_catalogue_screen(client, request, catalogue, who, list_, detail, create, edit,
                                             import_):
    login(client, request.getfixturevalue(who))
    pk = catalogue["hjzm"].pk
    assert client.get(url("service-item-list")).status_code == list_
    assert client.get(url("service-item-detail", pk)).status_code == detail
    assert client.get(url("service-item-create")).status_code == create
    assert client.get(url("service-item-update", pk)).status_code == edit
    assert client.get(url("catalogue-import")).status_code == import_


def test_anonymous_visitors_are_sent_to_sign_in(client, catalogue):
    for target in (url("service-item-list"), url("service-item-detail", catalogue["hjzm"].pk),
                   url("service-item-create"), url("catalogue-import"), url("catalogue-export", "csv")):
        response = client.get(target)
        assert response.status_code == 302 and "login" in response["Location"]


def test_another_countys_item_is_out_of_reach_even_for_a_county_admin(client, county_admin, catalogue):
    login(client, county_admin)
    pk = catalogue["elsewhere"].pk
    assert client.get(url("service-item-detail", pk)).status_code == 404
    assert client.get(url("service-item-update", pk)).status_code == 404
    assert client.post(url("service-item-update", pk), {"name": "x"}).status_code == 404
    catalogue["elsewhere"].refresh_from_db()
    assert catalogue["elsewhere"].name != "x"


def test_an_officer_sees_only_their_departments_items(client, officer, catalogue):
    login(client, officer)
    response = client.get(url("service-item-list"))
    assert [i.code for i in response.context["items"]] == ["HJ-001"]
    assert client.get(url("service-item-detail", catalogue["lamp"].pk)).status_code == 404


# ---------------------------------------------------------------------------------------------
# List
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("params, codes", [
    ({}, ["HJ-001", "LD-001"]),
    ({"q": "hjzm"}, ["HJ-001"]),
    ({"q": "户籍"}, ["HJ-001"]),
    ({"q": "ldwx"}, ["LD-001"]),
    ({"category": "convenience"}, ["LD-001"]),
    ({"online": "1"}, ["LD-001"]),
    ({"category": "no-such-thing"}, ["HJ-001", "LD-001"]),
    ({"department": "abc"}, ["HJ-001", "LD-001"]),
])
def test_the_list_searches_by_chinese_or_pinyin_and_filters(client, county_admin, catalogue, params, codes):
    response = login(client, county_admin).get(url("service-item-list"), params)
    assert response.status_code == 200
    assert [item.code for item in response.context["items"]] == codes


def test_the_list_filters_by_department_and_shows_fee_in_yuan(client, county_admin, catalogue):
    response = login(client, county_admin).get(url("service-item-list"),
                                               {"department": catalogue["hjzm"].department_id})
    assert [item.code for item in response.context["items"]] == ["HJ-001"]
    html = response.content.decode()
    assert "12.50" in html and url("service-item-detail", catalogue["hjzm"].pk) in html
    assert url("catalogue-export", "csv") in html and url("service-item-create") in html


def test_the_list_pages_through_a_large_catalogue(client, county_admin, department):
    ServiceItemFactory.create_batch(35, department=department)
    first = login(client, county_admin).get(url("service-item-list"))
    second = client.get(url("service-item-list"), {"page": 2})
    assert len(first.context["items"]) == 30 and len(second.context["items"]) == 5
    assert "?page=2" in first.content.decode()


def test_the_list_hides_edit_buttons_from_readers(client, township_admin, catalogue):
    html = login(client, township_admin).get(url("service-item-list")).content.decode()
    assert url("service-item-create") not in html and url("catalogue-import") not in html


# session, user, savepoint pair (ATOMIC_REQUESTS), the admin's region (once: view scope, department filter
# and edit rights share it), count, items with their departments, the user's and the groups' permissions,
# the departments for the filter.
LIST_QUERIES = 12  # with the scope: assignments, department and merchant posts, once per request


def _list_queries(client, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        assert client.get(url("service-item-list")).status_code == 200


def test_the_list_page_costs_the_same_queries_for_2_or_30_items(client, county_admin, catalogue, department,
                                                                 django_assert_num_queries):
    login(client, county_admin)
    _list_queries(client, django_assert_num_queries, LIST_QUERIES)
    ServiceItemFactory.create_batch(28, department=department)
    _list_queries(client, django_assert_num_queries, LIST_QUERIES)


# ---------------------------------------------------------------------------------------------
# Detail
# ---------------------------------------------------------------------------------------------

def test_the_detail_shows_facts_materials_and_a_preview_of_the_e_form(client, county_admin, catalogue):
    response = login(client, county_admin).get(url("service-item-detail", catalogue["hjzm"].pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "户籍证明" in html and "12.50" in html
    assert "身份证" in html and "户口簿" in html
    assert 'name="preview-purpose"' in html and "就业" in html
    assert "<fieldset disabled>" in html
    assert url("service-item-update", catalogue["hjzm"].pk) in html


def test_the_detail_offers_no_edit_link_to_an_officer(client, officer, catalogue):
    html = login(client, officer).get(url("service-item-detail", catalogue["hjzm"].pk)).content.decode()
    assert url("service-item-update", catalogue["hjzm"].pk) not in html


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


# ---------------------------------------------------------------------------------------------
# Import and export
# ---------------------------------------------------------------------------------------------

HEADER = "事项编码,事项名称,实施部门,事项类别,最低受理层级,法定时限,承诺时限,收费(元),出具证明,可网上申请,申请材料,电子表单,说明"


def upload(text, name="目录.csv", encoding="utf-8-sig"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def _uploads(private_files):
    """Uploaded catalogue files are stored in a temporary private folder until their job is done."""


def post_import(client, capture, data):
    """Upload, let the background job run at commit (as Celery does eagerly), follow to the job's page."""
    with capture(execute=True):
        response = client.post(url("catalogue-import"), data)
    assert response.status_code == 302, response.content
    job = ImportJob.objects.get(pk=response["Location"].rpartition("?job=")[2])
    return job, client.get(response["Location"])


@pytest.mark.usefixtures("_uploads")
def test_importing_a_good_file_shows_the_report_on_its_page_and_a_second_time_changes_nothing(
        client, county_admin, department, django_capture_on_commit_callbacks):
    text = (f"{HEADER}\r\nGA-01,户籍证明,{department.code},公共服务,村级,5,1,0,是,是,身份证:原件,,\r\n"
            f"GA-02,居住证明,{department.name},公共服务,村级,5,2,0,是,否,,,\r\n")
    login(client, county_admin)
    job, page = post_import(client, django_capture_on_commit_callbacks, {"file": upload(text)})
    assert job.status == "done" and job.user == county_admin and not job.file
    assert page.status_code == 200
    report = page.context["report"]
    assert report.ok and (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert "目录.csv imported" in page.content.decode()
    assert ServiceItem.objects.filter(code__in=["GA-01", "GA-02"]).count() == 2
    again, page = post_import(client, django_capture_on_commit_callbacks, {"file": upload(text)})
    assert again.pk != job.pk
    assert (page.context["report"].created, page.context["report"].updated, page.context["report"].unchanged) == (
        0, 0, 2)


@pytest.mark.usefixtures("_uploads")
def test_importing_a_bad_file_lists_every_bad_line_and_imports_nothing(client, county_admin, department,
                                                                      django_capture_on_commit_callbacks):
    text = (f"{HEADER}\r\nGA-01,户籍证明,{department.code},公共服务,村级,5,1,0,是,是,,,\r\n"
            f"GA-02,居住证明,不存在,公共服务,村级,5,2,0,是,否,,,\r\n"
            f"GA-03,出生登记,{department.code},彩票,村级,5,9,0.001,是,否,,,\r\n")
    login(client, county_admin)
    _job, page = post_import(client, django_capture_on_commit_callbacks, {"file": upload(text, encoding="gbk")})
    report = page.context["report"]
    assert report.bad_lines == [3, 4]
    assert {(p.line, p.column) for p in report.problems} == {(3, "实施部门"), (4, "事项类别"), (4, "承诺时限"),
                                                            (4, "收费(元)")}
    html = page.content.decode()
    assert "不存在" in html and "cz-row--warn" in html
    assert not ServiceItem.objects.exists()


@pytest.mark.usefixtures("_uploads")
def test_a_double_submit_of_the_same_form_starts_one_job(client, county_admin, department,
                                                        django_capture_on_commit_callbacks):
    text = f"{HEADER}\r\nGA-01,户籍证明,{department.code},公共服务,村级,5,1,0,是,是,,,\r\n"
    login(client, county_admin)
    key = client.get(url("catalogue-import")).context["form"].initial["idempotency_key"]
    first, _page = post_import(client, django_capture_on_commit_callbacks,
                               {"file": upload(text), "idempotency_key": key})
    second, _page = post_import(client, django_capture_on_commit_callbacks,
                                {"file": upload(text), "idempotency_key": key})
    assert first == second and ImportJob.objects.count() == 1
    assert AuditEvent.objects.filter(action="service_item.created").count() == 1


@pytest.mark.usefixtures("_uploads")
def test_the_page_shows_a_progress_bar_while_the_import_runs_and_its_status_as_json(client, county_admin,
                                                                                     department):
    login(client, county_admin)
    with translation.override("en"):  # the job is queued, not run: no worker in this test
        job = catalogue_import_submit(user=county_admin, county=department.region, upload=upload("x"),
                                      idempotency_key=uuid.uuid4())
    ImportJob.objects.filter(pk=job.pk).update(status="running", progress=30, step="Reading the file")
    page = client.get(url("catalogue-import"), {"job": job.pk})
    html = page.content.decode()
    assert page.status_code == 200 and "data-cz-job-reload" in html and 'value="30"' in html
    assert "core/job-progress.js" in html and 'http-equiv="refresh"' in html
    status = client.get(url("catalogue-import-job", job.pk)).json()
    assert status == {"status": "running", "status_label": "Checking and importing", "progress": 30,
                      "step": "Reading the file", "finished": False}


@pytest.mark.usefixtures("_uploads")
def test_another_users_import_is_not_found(client, county_admin, superuser, department):
    job = catalogue_import_submit(user=superuser, county=department.region, upload=upload("x"),
                                  idempotency_key=uuid.uuid4())
    login(client, county_admin)
    assert client.get(url("catalogue-import"), {"job": job.pk}).status_code == 404
    assert client.get(url("catalogue-import-job", job.pk)).status_code == 404
    assert client.get(url("catalogue-import"), {"job": "abc"}).status_code == 404


@pytest.mark.usefixtures("_uploads")
def test_an_imports_progress_is_forbidden_to_those_who_may_not_import(client, county_admin, township_admin,
                                                                       department):
    job = catalogue_import_submit(user=county_admin, county=department.region, upload=upload("x"),
                                  idempotency_key=uuid.uuid4())
    login(client, township_admin)
    assert client.get(url("catalogue-import-job", job.pk)).status_code == 403
    assert client.get(url("catalogue-import-job", 987654)).status_code == 403


def test_the_import_form_refuses_other_file_types(client, county_admin):
    response = login(client, county_admin).post(url("catalogue-import"),
                                                {"file": upload("x", name="目录.xls")})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not ImportJob.objects.exists()


@pytest.mark.usefixtures("_uploads")
def test_a_superuser_picks_the_county_to_import_into(client, superuser, tree, department,
                                                    django_capture_on_commit_callbacks):
    region("county", tree["city"])
    login(client, superuser)
    assert not client.get(url("catalogue-import")).context["form"].single_county
    text = f"{HEADER}\r\nGA-01,户籍证明,{department.code},公共服务,村级,5,1,0,是,是,,,\r\n"
    job, page = post_import(client, django_capture_on_commit_callbacks,
                            {"file": upload(text), "county": tree["county"].pk})
    assert job.params["county_id"] == tree["county"].pk and page.context["report"].created == 1


def test_csv_export_downloads_the_items_in_view_with_their_filters(client, county_admin, catalogue):
    response = login(client, county_admin).get(url("catalogue-export", "csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="service-catalogue-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["事项编码", "事项名称"] and [r[0] for r in rows[1:]] == ["HJ-001", "LD-001"]
    filtered = client.get(url("catalogue-export", "csv"), {"q": "ldwx"})
    assert [r[0] for r in csv.reader(io.StringIO(filtered.content.decode("utf-8-sig")))][1:] == ["LD-001"]


def test_xlsx_export_opens_in_a_spreadsheet_and_an_officer_gets_only_their_items(client, officer, catalogue):
    RequiredMaterialFactory(item=catalogue["lamp"], name="现场照片", form="scan")
    response = login(client, officer).get(url("catalogue-export", "xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["HJ-001"]


def test_an_unknown_export_format_is_not_found(client, county_admin):
    assert login(client, county_admin).get(url("catalogue-export", "pdf")).status_code == 404


def test_operators_cannot_export_the_back_office_catalogue(client, operator, catalogue):
    assert login(client, operator).get(url("catalogue-export", "csv")).status_code == 403
