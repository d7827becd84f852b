"""Catalogue files: cell syntax, import with every bad row reported, idempotent re-import, the caps,
and export → import round trips. Reading files as such is tested in tests/core/test_spreadsheets.py."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import load_workbook

from core.models import AuditEvent
from gov_services import catalogue_cells
from gov_services import catalogue_io as cio
from gov_services.models import RequiredMaterial, ServiceItem
from gov_services.services.catalogue_import import catalogue_import
from tests.factories import DepartmentFactory, RequiredMaterialFactory, ServiceItemFactory, region
from tests.spreadsheet_files import csv_bytes as _csv_bytes
from tests.spreadsheet_files import xlsx_bytes as _xlsx_bytes


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted by their English msgids; the zh-hans catalogue must not change that."""
    with translation.override("en"):
        yield


HEADER = ["事项编码", "事项名称", "实施部门", "事项类别", "最低受理层级", "法定时限", "承诺时限", "收费(元)",
          "出具证明", "可网上申请", "申请材料", "电子表单", "说明"]
SCHEMA = [{"name": "purpose", "type": "choice", "label": "用途", "required": True,
           "choices": [["job", "就业"], ["other", "其他"]]}]


def row(code="HJ-01", name="户籍证明", department="GA", category="公共服务", level="村级", legal="5", promised="1",
        fee="0", certificate="是", online="是", materials="身份证:原件;户口簿:原件", schema="", description=""):
    return [code, name, department, category, level, legal, promised, fee, certificate, online, materials, schema,
            description]


def csv_bytes(rows, header=HEADER, encoding="utf-8"):
    return _csv_bytes(rows, header, encoding=encoding)


def xlsx_bytes(rows, header=HEADER):
    return _xlsx_bytes(rows, header)


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, fen", [
    ("0", 0), ("", 0), ("免费", 0), ("12", 1200), ("12.5", 1250), ("12.50", 1250), ("0.01", 1), ("20元", 2000),
    ("¥1,200.00", 120000), ("￥ 80", 8000), (" 3.3 ", 330), ("0.1", 10), ("999999.99", 99999999), ("无", 0),
    ("12.", 1200), ("１２.５", 1250), ("-0", 0),  # read as every money field of the project reads them (core.money)
])
def test_fee_in_yuan_becomes_exact_fen(text, fen):
    assert catalogue_cells.parse_fee_fen(text) == fen


@pytest.mark.parametrize("text, fragment", [
    ("12.345", "more than two decimal places"), ("0.001", "more than two decimal places"),
    ("-1", "negative"), ("abc", "not an amount"), ("1e3", "not an amount"), ("NaN", "not an amount"),
    ("1.2.3", "not an amount"), ("9" * 14, "too large"),
])
def test_a_bad_fee_is_refused_with_a_reason(text, fragment):
    with pytest.raises(ValidationError, match=fragment):
        catalogue_cells.parse_fee_fen(text)


@pytest.mark.parametrize("fen, text", [(0, "0.00"), (1, "0.01"), (500, "5.00"), (1250, "12.50"), (120000, "1200.00")])
@pytest.mark.django_db
def test_fees_are_written_as_yuan_with_two_decimals_and_read_back(department, fen, text):
    fee = [column.key for column in cio.COLUMNS].index("fee")
    item = ServiceItemFactory(department=department, fee_fen=fen)
    assert cio.item_row(item, fmt="csv")[fee] == text and cio.item_row(item, fmt="xlsx")[fee] == Decimal(text)
    assert catalogue_cells.parse_fee_fen(text) == fen


@pytest.mark.parametrize("text, value", [
    ("是", True), ("否", False), ("", False), ("Y", True), ("no", False), ("TRUE", True), ("0", False), ("√", True),
])
def test_yes_no_cells(text, value):
    assert catalogue_cells.parse_bool(text) is value


def test_a_yes_no_cell_with_something_else_is_refused():
    with pytest.raises(ValidationError, match="not 是 or 否"):
        catalogue_cells.parse_bool("也许")


@pytest.mark.parametrize("text, value", [
    ("行政许可", "licence"), ("公共服务", "public_service"), ("日常管理", "daily_management"),
    ("便民服务", "convenience"), ("licence", "licence"), ("Public_Service", "public_service"),
    ("Administrative licence", "licence"), ("convenience service", "convenience"),
])
def test_categories_by_chinese_label_value_or_english_name(text, value):
    assert catalogue_cells.parse_category(text) == value


@pytest.mark.parametrize("text, value", [
    ("村级", "village"), ("村", "village"), ("社区", "community"), ("乡镇", "township"), ("镇", "township"),
    ("县级", "county"), ("县", "county"), ("市级", "city"), ("village", "village"), ("Township", "township"),
])
def test_accepting_levels_by_chinese_label_or_value(text, value):
    assert catalogue_cells.parse_level(text) == value


@pytest.mark.parametrize("parser, text", [(catalogue_cells.parse_category, "彩票"), (catalogue_cells.parse_level, "省级")])
def test_unknown_category_or_level_lists_the_choices(parser, text):
    with pytest.raises(ValidationError) as caught:
        parser(text)
    assert text in caught.value.messages[0] and "、" in caught.value.messages[0]


@pytest.mark.parametrize("text, materials", [
    ("身份证:原件;户口簿:复印件;照片:扫描件", [("身份证", "original", True, ""), ("户口簿", "copy", True, ""),
                                             ("照片", "scan", True, "")]),
    ("身份证", [("身份证", "original", True, "")]),
    ("照片:扫描件:可选", [("照片", "scan", False, "")]),
    ("照片（可选）:扫描件", [("照片", "scan", False, "")]),
    ("照片:扫描件(可选)", [("照片", "scan", False, "")]),
    ("照片:原件:必需:近期一寸免冠", [("照片", "original", True, "近期一寸免冠")]),
    ("身份证：复印件；户口簿：copy", [("身份证", "copy", True, ""), ("户口簿", "copy", True, "")]),
    ("身份证:原件\n户口簿:复印件\n", [("身份证", "original", True, ""), ("户口簿", "copy", True, "")]),
    ("证明\\:甲:原件:必需:注\\;见背面", [("证明:甲", "original", True, "注;见背面")]),
    ("身份证:原件;;", [("身份证", "original", True, "")]),
    ("", []),
])
def test_materials_cell_syntax(text, materials):
    parsed = catalogue_cells.parse_materials(text)
    assert [(m["name"], m["form"], m["required"], m["note"]) for m in parsed] == materials
    assert catalogue_cells.parse_materials(catalogue_cells.format_materials(parsed)) == parsed


@pytest.mark.parametrize("text, fragment", [
    ("身份证:传真件", "unknown form “传真件”"),
    ("身份证:原件;身份证:原件", "listed twice"),
    (":原件", "no name"),
    ("照片:原件:也许", "should be 必需 or 可选"),
    ("a:原件:必需:b:c", "too many parts"),
])
def test_a_bad_materials_cell_says_why(text, fragment):
    with pytest.raises(ValidationError) as caught:
        catalogue_cells.parse_materials(text)
    assert fragment in " ".join(caught.value.messages)


def test_an_e_form_cell_must_be_valid_json_and_a_valid_schema():
    assert catalogue_cells.parse_schema("") == []
    assert catalogue_cells.parse_schema(json.dumps(SCHEMA, ensure_ascii=False)) == SCHEMA
    with pytest.raises(ValidationError, match="not valid JSON"):
        catalogue_cells.parse_schema('[{"name": "x",}]')
    with pytest.raises(ValidationError, match="unknown type"):
        catalogue_cells.parse_schema('[{"name": "x", "type": "colour", "label": "颜色"}]')


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------

@pytest.fixture
def departments(tree):
    return {
        "GA": DepartmentFactory(code="GA", name="县公安局", region=tree["county"]),
        "MZ": DepartmentFactory(code="MZ", name="县民政局", region=tree["county"]),
        "T0": DepartmentFactory(code="T0-BM", name="测试镇0便民服务中心", region=tree["townships"][0],
                                level="township"),
        "X": DepartmentFactory(code="X-GA", name="邻县公安局", region=region("county", tree["city"])),
    }


def do_import(data, county, filename="目录.csv", actor=None, progress=None):
    return catalogue_import(file=io.BytesIO(data), filename=filename, actor=actor, county=county, progress=progress)


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


# ---------------------------------------------------------------------------------------------
# Export and round trips
# ---------------------------------------------------------------------------------------------

def _snapshot():
    return sorted(
        (i.code, i.name, i.pinyin_initials, i.department_id, i.category, i.lowest_level, i.legal_limit_days,
         i.promised_limit_days, i.fee_fen, i.issues_certificate, i.online_allowed, json.dumps(i.form_schema),
         i.description, i.issued_by_village_committee, tuple((m.name, m.form, m.required, m.note, m.position) for m in i.materials.all()))
        for i in ServiceItem.objects.prefetch_related("materials")
    )


@pytest.fixture
def varied_catalogue(departments):
    tricky = ServiceItemFactory(code="R-1", name="证明：甲；乙", department=departments["GA"], fee_fen=1,
                                description="=HYPERLINK(\"http://evil\")\n第二行", form_schema=SCHEMA,
                                issues_certificate=True, online_allowed=True, lowest_level="community",
                                category="licence")
    RequiredMaterialFactory(item=tricky, name="身份证:正反面", form="scan", required=False, note="注;见背面",
                            position=0)
    RequiredMaterialFactory(item=tricky, name="-户口簿", form="copy", position=1)
    ServiceItemFactory(code="R-2", name="路灯维修", department=departments["T0"], fee_fen=123456,
                       category="convenience", lowest_level="village", legal_limit_days=5, promised_limit_days=5,
                       issued_by_village_committee=True)
    ServiceItemFactory(code="R-3", name="+86热线", department=departments["MZ"], fee_fen=0, lowest_level="city",
                       category="daily_management", legal_limit_days=0, promised_limit_days=0)


def _export(fmt):
    items = ServiceItem.objects.select_related("department").prefetch_related("materials").order_by("code")
    return cio.catalogue_export(items=items, fmt=fmt)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_catalogue_recreates_it_exactly(tree, varied_catalogue, fmt):
    before = _snapshot()
    data = _export(fmt)
    ServiceItem.objects.all().delete()
    result = do_import(data, tree["county"], filename=f"catalogue.{fmt}")
    assert result.ok, result.problems
    assert result.created == 3
    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_over_the_same_catalogue_changes_nothing(tree, varied_catalogue, fmt):
    before = _snapshot()
    result = do_import(_export(fmt), tree["county"], filename=f"catalogue.{fmt}")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert _snapshot() == before


@pytest.mark.django_db
def test_the_village_committee_column_sets_the_flag_and_a_file_without_it_leaves_the_flag_alone(tree, departments):
    flagged = [[*row(code="CW-01", name="居住证明"), "是"], [*row(code="CW-02", name="亲属关系证明"), "否"]]
    assert do_import(csv_bytes(flagged, header=[*HEADER, "村委会出具"]), tree["county"]).ok
    assert dict(ServiceItem.objects.values_list("code", "issued_by_village_committee")) == {
        "CW-01": True, "CW-02": False}
    renamed = do_import(csv_bytes([row(code="CW-01", name="居住证明（村）")]), tree["county"])
    assert renamed.updated == 1 and ServiceItem.objects.get(code="CW-01").issued_by_village_committee


@pytest.mark.django_db
def test_csv_export_is_utf8_with_bom_and_chinese_headers_and_defuses_formulas(varied_catalogue):
    data = _export("csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [*HEADER, "上级事项编码", "村委会出具"]  # the sub-item's parent (test_catalogue_subitems.py)
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["R-1"][12].startswith("'=HYPERLINK")
    assert by_code["R-1"][10] == "身份证\\:正反面:扫描件:可选:注\\;见背面;-户口簿:复印件"
    assert by_code["R-2"][3:8] == ["便民服务", "村级", "5", "5", "1234.56"]
    assert by_code["R-3"][1] == "'+86热线"


@pytest.mark.django_db
def test_xlsx_export_writes_text_cells_as_text_never_as_formulas(varied_catalogue):
    sheet = load_workbook(io.BytesIO(_export("xlsx"))).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [*HEADER, "上级事项编码", "村委会出具"]
    description = next(r for r in values if r[0] == "R-1")[12]
    assert description.startswith("=HYPERLINK")
    cell = next(row for row in sheet.iter_rows() if row[0].value == "R-1")[12]
    assert cell.data_type == "s"
    assert next(r for r in values if r[0] == "R-2")[5:8] == (5, 5, 1234.56)


def test_exporting_an_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError):
        cio.catalogue_export(items=[], fmt="pdf")
