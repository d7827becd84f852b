"""The household import: dry run, all-or-nothing apply, idempotent re-import, the file format, who may
import, and the import page."""

import uuid
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent, ImportJob
from stations import households_io
from stations import services_households as services
from stations.models import Grid, Household, HouseholdMember
from tests.factories import GridFactory, StationFactory, valid_id_number
from tests.stations.household_files import wrong_check

pytestmark = pytest.mark.django_db

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "data" / "households.csv"
HEADER = "服务站编码,网格,门牌号,户主姓名,联系电话,独居老人,残疾成员,低收入,成员姓名,身份证号,与户主关系,成员电话"


# --- the import ----------------------------------------------------------------------------------------------

@pytest.fixture
def lt001(tree):
    station = StationFactory(village=tree["villages"][0], code="LT001")
    Grid.objects.create(station=station, name="第一网格")
    return station


def run_import(text: str, *, actor, preview: bool):
    return services.household_import(file=text.encode("utf-8"), filename="households.csv", actor=actor,
                                     preview=preview)


def test_the_demo_file_checks_then_imports_and_importing_it_again_changes_nothing(county_admin, lt001):
    text = DEMO_FILE.read_text(encoding="utf-8")
    preview = run_import(text, actor=county_admin, preview=True)
    assert preview.ok and preview.created == 56 and preview.rows == 177
    assert preview.created_codes[0] == "LT001 第一网格 一-001"
    assert not Household.objects.exists()

    done = run_import(text, actor=county_admin, preview=False)
    assert (done.ok, done.created, done.updated) == (True, 56, 0)
    assert (Household.objects.count(), HouseholdMember.objects.count()) == (56, 177)
    assert HouseholdMember.objects.filter(relation="head").count() == 56
    events = AuditEvent.objects.count()

    again = run_import(text, actor=county_admin, preview=False)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 56)
    assert AuditEvent.objects.count() == events


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(township_admin, lt001, other_station):
    GridFactory(station=other_station, name="第一网格")  # another township's: not the importer's
    good = valid_id_number(1)
    text = "\n".join([
        HEADER,
        f"LT001,第一网格,1号,王建国,13912345678,否,否,否,王建国,{good},户主,",                          # 2 fine
        f"LT001,第一网格,2号,李四,,否,否,否,李四,{wrong_check(good)},户主,",                                  # 3 checksum
        f"LT001,第一网格,3号,张三,1391234,否,否,否,张三,{valid_id_number(3)},户主,",                    # 4 phone
        f"LT001,第一网格,4号,赵六,,也许,否,否,赵六,{valid_id_number(4)},表哥,",                        # 5 flag, relation
        f"LT001,第九网格,5号,孙七,,否,否,否,孙七,{valid_id_number(5)},户主,",                          # 6 no such grid
        f"{other_station.code},第一网格,6号,周八,,否,否,否,周八,{valid_id_number(6)},户主,",          # 7 not theirs
        f"LT001,第一网格,7号,吴九,,否,否,否,吴九,{good},户主,",                                         # 8 ID repeated
        f"LT001,第一网格,1号,王建军,,,,,王小明,{valid_id_number(9)},子女,",                             # 9 head differs
        "LT001,第一网格,8号,郑十,,否,否,否,郑十,1.30225E+17,户主,",                                   # 10 Excel number
    ])
    for preview in (True, False):
        report = run_import(text, actor=township_admin, preview=preview)
        assert not report.ok and report.created == report.updated == 0
        assert report.bad_lines == [3, 4, 5, 6, 7, 8, 9, 10]
        columns = {(p.line, p.column) for p in report.problems}
        assert {(3, "身份证号"), (4, "联系电话"), (5, "独居老人"), (5, "与户主关系"), (6, "网格"), (7, "服务站编码"),
                (8, "身份证号"), (9, "户主姓名"), (10, "身份证号")} <= columns
    assert [p.message for p in report.problems if p.line == 3] == ["身份证号码校验位不符，请逐位核对。"]
    assert not Household.objects.exists() and not AuditEvent.objects.filter(action__startswith="household").exists()


def test_a_changed_file_says_what_changes_and_a_member_left_out_is_removed(county_admin, lt001):
    head, child = valid_id_number(1), valid_id_number(2)
    first = f"{HEADER}\nLT001,第一网格,1号,王建国,13912345678,否,否,否,王建国,{head},户主,\n" \
            f"LT001,第一网格,1号,,,,,,王小明,{child},儿子,\n"
    run_import(first, actor=county_admin, preview=False)
    second = f"{HEADER}\nLT001,第一网格,1号,王建国,13900000000,否,否,是,王建国,{head},户主,\n"
    preview = run_import(second, actor=county_admin, preview=True)
    assert preview.updated == 1 and preview.updated_codes == ["LT001 第一网格 1号：联系电话、低收入、家庭成员"]
    run_import(second, actor=county_admin, preview=False)
    household = Household.objects.get()
    assert (household.phone, household.low_income) == ("13900000000", True)
    assert list(household.members.values_list("name", flat=True)) == ["王建国"]


def test_only_township_and_county_admins_import(operator, liaison, lt001):
    for actor in (operator, liaison):
        with pytest.raises(PermissionDenied):
            run_import(HEADER, actor=actor, preview=True)


def test_the_file_format_accepts_english_headers_and_register_words_for_relations():
    table_headers = ["station", "grid", "house number", "head", "name", "ID number", "relation"]
    from core.spreadsheets import Table

    table = Table(headers=table_headers, rows=[
        (2, ["LT001", "一", "1", "王建国", "王建国", valid_id_number(1), "本人"]),
        (3, ["LT001", "一", "1", "", "王小红", valid_id_number(2), "长女"]),
    ])
    households, problems, _columns = households_io.parse_rows(table)
    assert problems == [] and [m["relation"] for m in households[0].members] == ["head", "child"]


@pytest.fixture
def _uploads(private_files):
    """Uploaded household files are kept in a temporary private folder while their jobs need them."""


@pytest.mark.usefixtures("_uploads")
def test_the_import_page_checks_the_file_then_imports_it_once(client, county_admin, lt001,
                                                            django_capture_on_commit_callbacks):
    client.force_login(county_admin)
    url = reverse("stations:household-import")
    upload = SimpleUploadedFile("households.csv", DEMO_FILE.read_bytes(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload})
    preview_page = client.get(response["Location"])
    assert preview_page.context["is_preview"] and preview_page.context["report"].created == 56
    assert "导入此文件" in preview_page.content.decode() and not Household.objects.exists()

    preview = ImportJob.objects.get()
    key = preview_page.context["apply_form"].initial["idempotency_key"]
    apply_url = reverse("stations:household-import-apply", args=[preview.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(apply_url, {"idempotency_key": key})
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(apply_url, {"idempotency_key": key})
    assert first["Location"] == second["Location"] and ImportJob.objects.count() == 2
    assert Household.objects.count() == 56
    done = client.get(first["Location"])
    assert done.context["report"].created == 56 and not done.context["is_preview"]
    # The preview's file went to the apply job, which deleted it when done: a stale apply is refused.
    with django_capture_on_commit_callbacks(execute=True):
        stale = client.post(apply_url, {"idempotency_key": "6f1c1f4e-2a39-4a36-9d2e-0d0c8b7a1e11"})
    assert ImportJob.objects.count() == 2 and stale.status_code == 302


@pytest.mark.usefixtures("_uploads")
def test_a_dry_run_that_found_a_problem_keeps_no_file_and_cannot_be_applied(county_admin, lt001,
                                                                          django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("bad.csv", f"{HEADER}\nLT001,第九网格,1号,王建国,,,,,,,,\n".encode())
    with django_capture_on_commit_callbacks(execute=True):
        preview = services.household_import_submit(user=county_admin, upload=upload, idempotency_key=uuid.uuid4())
    preview.refresh_from_db()
    assert preview.status == "done" and not preview.result["created"] and not preview.file
    with pytest.raises(ValidationError):
        services.household_import_apply(user=county_admin, preview=preview, idempotency_key=uuid.uuid4())
    assert ImportJob.objects.count() == 1 and not Household.objects.exists()
