"""Catalogue import: a good file, idempotent re-import, updates, every bad row reported with its line and
column, CSV and XLSX quirks, the caps, progress and bulk writes. Cells are in test_catalogue_cells.py, export and
round trips in test_catalogue_export.py; reading files as such is tested in tests/core/test_spreadsheets.py."""

import json

import pytest

from core.models import AuditEvent
from gov_services.catalogue import spreadsheets as cio
from gov_services.models import RequiredMaterial, ServiceItem
from tests.factories import DepartmentFactory, ServiceItemFactory
from tests.gov_services.catalogue_files import HEADER, SCHEMA, csv_bytes, do_import, row, xlsx_bytes
from tests.gov_services.catalogue_files import catalogue_snapshot as _snapshot

# Messages are asserted by their English msgids (the english_messages fixture, conftest.py).
pytestmark = pytest.mark.usefixtures("english_messages")


GOOD_ROWS = [
    row(schema=json.dumps(SCHEMA, ensure_ascii=False), description="派出所出具"),
    row(code="MZ-01", name="最低生活保障申请", department="县民政局", legal="30", promised="20", certificate="否",
        materials="身份证:复印件;户口簿:复印件;照片:扫描件:可选"),
    row(code="T0-01", name="路灯维修", department="t0-bm", category="便民服务", level="", legal="5个工作日",
        promised="2天", fee="", certificate="", online="否", materials=""),
    row(code="GA-02", name="居民身份证换领", level="乡镇", legal="60", promised="30", fee="20.00"),
]


@pytest.mark.django_db
def test_a_good_file_creates_every_item_with_its_materials_form_and_audit_trail(tree, departments, county_admin):
    result = do_import(csv_bytes(GOOD_ROWS), tree["county"], actor=county_admin)
    assert result.ok, result.problems
    assert (result.rows, result.created, result.updated, result.unchanged) == (4, 4, 0, 0)
    item = ServiceItem.objects.get(code="HJ-01")
    assert (item.name, item.pinyin_initials, item.department, item.category, item.lowest_level) == (
        "户籍证明", "hjzm", departments["GA"], "public_service", "village")
    assert (item.legal_limit_days, item.promised_limit_days, item.fee_fen) == (5, 1, 0)
    assert (item.issues_certificate, item.online_allowed, item.form_schema, item.description) == (
        True, True, SCHEMA, "派出所出具")
    lamp = ServiceItem.objects.get(code="T0-01")
    assert (lamp.department, lamp.lowest_level, lamp.legal_limit_days, lamp.promised_limit_days) == (
        departments["T0"], "county", 5, 2)
    assert ServiceItem.objects.get(code="GA-02").fee_fen == 2000
    assert [(m.name, m.form, m.required) for m in ServiceItem.objects.get(code="MZ-01").materials.all()] == [
        ("身份证", "copy", True), ("户口簿", "copy", True), ("照片", "scan", False)]
    created = AuditEvent.objects.filter(action="service_item.created")
    assert created.count() == 4 and {e.actor for e in created} == {county_admin}
    (imported,) = AuditEvent.objects.filter(action="catalogue.imported")
    assert imported.data["created"] == 4 and imported.target_id == str(tree["county"].pk)


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(tree, departments):
    data = csv_bytes(GOOD_ROWS)
    do_import(data, tree["county"])
    events, snapshot = AuditEvent.objects.count(), _snapshot()
    result = do_import(data, tree["county"])
    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert AuditEvent.objects.count() == events and _snapshot() == snapshot


@pytest.mark.django_db
def test_rows_with_a_known_code_update_the_item_and_only_changed_items_are_audited(tree, departments):
    do_import(csv_bytes(GOOD_ROWS), tree["county"])
    kept = RequiredMaterial.objects.get(item__code="MZ-01", name="户口簿")
    changed = [GOOD_ROWS[0], row(code="MZ-01", name="最低生活保障申请", department="MZ", legal="30", promised="15",
                                  certificate="否", materials="户口簿:复印件;收入证明:原件"), *GOOD_ROWS[2:]]
    result = do_import(csv_bytes(changed), tree["county"])
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    assert result.updated_codes == ["MZ-01"]
    item = ServiceItem.objects.get(code="MZ-01")
    assert item.promised_limit_days == 15
    assert [(m.name, m.position) for m in item.materials.all()] == [("户口簿", 0), ("收入证明", 1)]
    assert item.materials.get(name="户口簿").pk == kept.pk
    event = AuditEvent.objects.filter(action="service_item.updated").get()
    assert event.data["changes"] == {"promised_limit_days": [20, 15]} and event.data["line"] == 3
    assert event.data["materials"] == {"added": 1, "changed": 1, "removed": 2}


@pytest.mark.django_db
def test_an_optional_column_left_out_keeps_the_current_values(tree, departments):
    do_import(csv_bytes(GOOD_ROWS), tree["county"])
    header = ["事项编码", "事项名称", "实施部门", "事项类别", "法定时限", "承诺时限"]
    result = do_import(csv_bytes([["HJ-01", "户籍证明", "GA", "公共服务", "5", "1"]], header=header),
                       tree["county"])
    assert result.ok and result.unchanged == 1
    item = ServiceItem.objects.get(code="HJ-01")
    assert item.form_schema == SCHEMA and item.materials.count() == 2 and item.online_allowed


@pytest.mark.django_db
def test_english_headers_are_accepted_and_unknown_columns_are_ignored_and_reported(tree, departments):
    header = ["code", "Name", "department", "category", "legal_limit_days", "Promised Days", "fee (yuan)", "备注"]
    result = do_import(csv_bytes([["E-1", "英文表头事项", "GA", "licence", "3", "2", "1.5", "随便写"]], header=header),
                       tree["county"])
    assert result.ok and result.created == 1 and result.ignored_columns == ["备注"]
    assert ServiceItem.objects.get(code="E-1").fee_fen == 150


BAD_FILE_ROWS = [
    row(code="OK-1"),                                                   # 2: fine
    row(code="B-1", department="不存在的局"),                              # 3
    row(code="B-2", category="彩票"),                                     # 4
    row(code="B-3", legal="5", promised="8"),                            # 5
    row(code="B-4", fee="12.345"),                                       # 6
    row(code="OK-1"),                                                   # 7: same code as line 2
    row(code="B-5", schema='[{"name": "x", "type": "text"'),            # 8
    row(code="B-6", schema='[{"name": "X", "type": "text", "label": "叉"}]'),  # 9
    row(code="B-7", name="", materials="身份证:传真件", online="也许"),     # 10: three problems
    row(code="B-8", department="X-GA"),                                  # 11: another county's department
]


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_its_line_column_and_reason_and_nothing_is_imported(tree, departments):
    result = do_import(csv_bytes(BAD_FILE_ROWS), tree["county"])
    assert not result.ok
    found = {(p.line, p.column) for p in result.problems}
    assert found == {(3, "实施部门"), (4, "事项类别"), (5, "承诺时限"), (6, "收费(元)"), (7, "事项编码"),
                     (8, "电子表单"), (9, "电子表单"), (10, "事项名称"), (10, "申请材料"), (10, "可网上申请"),
                     (11, "实施部门")}
    assert result.bad_lines == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    messages = {p.line: p.message for p in result.problems}
    assert "不存在的局" in messages[3]
    assert "彩票" in messages[4]
    assert "(8 working days) is longer than the legal limit (5 working days)" in messages[5]
    assert "more than two decimal places" in messages[6]
    assert "already appears on line 2" in messages[7]
    assert "not valid JSON" in messages[8]
    assert "Field 1 “X”" in messages[9]
    assert "X-GA" in messages[11]
    assert [p.line for p in result.problems] == sorted(p.line for p in result.problems)
    assert not ServiceItem.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_missing_required_column_is_reported_on_line_1(tree, departments):
    header = [h for h in HEADER if h != "承诺时限"]
    result = do_import(csv_bytes([row()[:6] + row()[7:]], header=header), tree["county"])
    assert [(p.line, p.column) for p in result.problems] == [(1, "承诺时限")]
    assert "required column “承诺时限” is missing" in result.problems[0].message
    assert not ServiceItem.objects.exists()


@pytest.mark.django_db
def test_a_column_given_twice_is_reported(tree, departments):
    header = [*HEADER, "code"]
    result = do_import(csv_bytes([[*row(), "HJ-02"]], header=header), tree["county"])
    assert [(p.line, p.column) for p in result.problems] == [(1, "code")]


@pytest.mark.django_db
def test_a_file_with_only_a_header_is_refused(tree, departments):
    result = do_import(csv_bytes([]), tree["county"])
    assert not result.ok and result.problems[0].line is None


@pytest.mark.django_db
def test_an_unreadable_file_is_one_problem_for_the_whole_file(tree, departments):
    result = do_import(b"PK\x03\x04 not a zip", tree["county"], filename="目录.xlsx")
    assert [(p.line, p.column) for p in result.problems] == [(None, "")]


@pytest.mark.django_db
def test_a_department_name_shared_by_two_departments_of_the_county_needs_the_code(tree, departments):
    DepartmentFactory(code="GA2", name="县公安局", region=tree["townships"][1])
    result = do_import(csv_bytes([row(department="县公安局")]), tree["county"])
    assert "use the department code" in result.problems[0].message


@pytest.mark.django_db
def test_a_code_of_another_countys_item_is_refused(tree, departments):
    ServiceItemFactory(code="HJ-01", department=departments["X"])
    result = do_import(csv_bytes([row()]), tree["county"])
    assert [(p.line, p.column) for p in result.problems] == [(2, "事项编码")]
    assert "another county" in result.problems[0].message
    assert ServiceItem.objects.get(code="HJ-01").department == departments["X"]


@pytest.mark.django_db
def test_a_gbk_csv_from_excel_on_chinese_windows_imports(tree, departments):
    result = do_import(csv_bytes(GOOD_ROWS[1:], encoding="gbk"), tree["county"])
    assert result.ok and result.created == 3
    assert ServiceItem.objects.get(code="MZ-01").name == "最低生活保障申请"


@pytest.mark.django_db
def test_an_xlsx_with_numeric_cells_imports(tree, departments):
    cells = [row(code="N-1", legal=15, promised=10.0, fee=12.5), row(code="N-2", fee=0)]
    result = do_import(xlsx_bytes(cells), tree["county"], filename="目录.xlsx")
    assert result.ok, result.problems
    assert ServiceItem.objects.get(code="N-1").fee_fen == 1250
    assert ServiceItem.objects.get(code="N-1").promised_limit_days == 10


@pytest.mark.django_db
def test_a_bad_xlsx_row_is_reported_with_its_spreadsheet_line(tree, departments):
    result = do_import(xlsx_bytes([row(code="N-1"), row(code="N-2", fee=1.005)]), tree["county"],
                       filename="目录.xlsx")
    assert [(p.line, p.column) for p in result.problems] == [(3, "收费(元)")]


@pytest.mark.django_db
def test_item_codes_keep_their_leading_zeros_and_a_code_excel_cut_short_is_refused(tree, departments):
    cells = [row(code="0301"), row(code="1.30225E+17")]
    result = do_import(csv_bytes(cells), tree["county"])
    assert [(p.line, p.column) for p in result.problems] == [(3, "事项编码")]
    assert "turned into a number" in result.problems[0].message
    assert do_import(xlsx_bytes([row(code="0301")]), tree["county"], filename="目录.xlsx").created_codes == ["0301"]
    assert ServiceItem.objects.get().code == "0301"


@pytest.mark.django_db
def test_a_file_over_the_row_cap_is_refused_naming_the_cap_and_nothing_is_imported(tree, departments):
    rows = [row(code=f"P-{n:04d}") for n in range(cio.CAPS.max_rows + 1)]
    result = do_import(xlsx_bytes(rows), tree["county"], filename="目录.xlsx")
    assert [(p.line, p.message) for p in result.problems] == [
        (None, "The file has more than 5000 rows; split it into files of at most 5000 rows.")]
    assert not ServiceItem.objects.exists()


@pytest.mark.django_db
def test_an_import_reports_its_progress_while_it_reads_checks_and_saves(tree, departments):
    steps = []
    rows = [row(code=f"P-{n:03d}") for n in range(450)]
    result = do_import(csv_bytes(rows), tree["county"], progress=lambda percent, step: steps.append((percent, step)))
    assert result.created == 450
    assert steps == [(22, "Reading the file"), (44, "Reading the file"), (50, "Reading the file"),
                     (60, "Checking every row"), (80, "Saving")]


@pytest.mark.django_db
def test_a_300_row_import_uses_bulk_writes(tree, departments, django_assert_max_num_queries):
    rows = [row(code=f"P-{n:03d}", name=f"批量事项{n}", materials="身份证:原件;户口簿:复印件") for n in range(300)]
    data = csv_bytes(rows)
    # departments, existing items, bulk inserts in batches (items, materials), one audit row per item, the
    # import event, savepoints; a query per row for anything else would blow this.
    with django_assert_max_num_queries(300 + 20):
        result = do_import(data, tree["county"])
    assert result.created == 300 and RequiredMaterial.objects.count() == 600
