"""Catalogue export: CSV and XLSX files that defuse formulas, and export → import round trips. Cells are in
test_catalogue_cells.py, import in test_catalogue_import.py."""

import csv
import io

import pytest
from openpyxl import load_workbook

from gov_services.catalogue import spreadsheets as cio
from gov_services.models import ServiceItem
from tests.factories import RequiredMaterialFactory, ServiceItemFactory
from tests.gov_services.catalogue_files import HEADER, SCHEMA, csv_bytes, do_import, row
from tests.gov_services.catalogue_files import catalogue_snapshot as _snapshot

# Messages are asserted by their English msgids (the english_messages fixture, conftest.py).
pytestmark = pytest.mark.usefixtures("english_messages")


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
