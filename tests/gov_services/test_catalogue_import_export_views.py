"""The catalogue screens at /county/catalogue/: importing a file as a background job (report, progress, access)
and exporting the items in view as CSV or XLSX."""

import csv
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from core.models import AuditEvent, ImportJob
from gov_services.catalogue.imports import catalogue_import_submit
from gov_services.models import ServiceItem
from tests.factories import RequiredMaterialFactory, region
from tests.gov_services.catalogue_screens import login, url

pytestmark = pytest.mark.django_db


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
