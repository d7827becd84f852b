"""The one spreadsheet reader and writer (core/spreadsheets): encodings, cell text that keeps codes,
caps checked while the file streams, hostile XLSX packages refused before openpyxl opens them, and
exports that import back unchanged."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from openpyxl import load_workbook

from core.spreadsheets import (
    Caps,
    Column,
    ImportReport,
    Problem,
    Sheet,
    SpreadsheetError,
    code_text,
    map_headers,
    read_table,
    spreadsheet_response,
    to_csv,
    to_xlsx,
    write_csv,
    write_sheets,
)
from core.spreadsheets.reader import cell_text
from tests.spreadsheet_files import csv_bytes, dense_sheet, xlsx_bytes, xlsx_with_sheet, zip_bomb_xlsx

pytestmark = pytest.mark.usefixtures("english_messages")

HEADER = ["编码", "名称", "数量"]
SMALL = Caps(max_bytes=2**20, max_rows=50, max_columns=5, max_cell_chars=100)


@pytest.fixture
def openpyxl_never_opens(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a file that should have been refused before")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def refusal(data, filename="x.xlsx", caps=SMALL, progress=None) -> str:
    with pytest.raises(SpreadsheetError) as error:
        read_table(data, filename, caps=caps, progress=progress)
    return str(error.value)


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_is_read_in_utf8_with_or_without_bom_in_gbk_gb18030_and_utf16(encoding):
    rows = [["HJ-01", "户籍证明", "5"], ["㐀-02", "䶮字", "1"]] if encoding == "gb18030" else [["HJ-01", "户籍证明", "5"]]
    table = read_table(csv_bytes(rows, HEADER, encoding=encoding), "目录.csv")
    assert table.headers == HEADER
    assert table.rows == [(line, row) for line, row in enumerate(rows, start=2)]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_read(delimiter):
    text = delimiter.join(HEADER) + "\r\n" + delimiter.join(["A", "名称", "1"]) + "\r\n"
    assert read_table(text.encode(), "x.csv").rows == [(2, ["A", "名称", "1"])]


def test_csv_codes_keep_their_leading_zeros_and_excel_text_formulas_are_unwrapped():
    data = b'code,id,phone\r\n0301,="130225199001011234",\'013800138000\r\n'
    assert read_table(data, "x.csv").rows == [(2, ["0301", "130225199001011234", "013800138000"])]


def test_blank_rows_are_skipped_but_lines_keep_their_spreadsheet_numbers():
    data = csv_bytes([["A", "x", "1"], ["", "", ""], ["B", "y", "2"]], HEADER)
    assert [line for line, _cells in read_table(data, "x.csv").rows] == [2, 4]


def test_a_cell_with_line_breaks_counts_as_one_spreadsheet_row():
    data = csv_bytes([["A", "第一行\n第二行", "1"], ["B", "y", "2"]], HEADER)
    assert [line for line, _cells in read_table(data, "x.csv").rows] == [2, 3]


@pytest.mark.parametrize("data, filename, fragment", [
    (b"", "x.csv", "empty"),
    (b"   \r\n", "x.csv", "empty"),
    (b"PK\x03\x04broken", "x.xlsx", "not a readable .xlsx"),
    (b"\xd0\xcf\x11\xe0old excel", "x.xlsx", "old .xls file or a password-protected"),
    (b"\xd0\xcf\x11\xe0old excel", "x.xls", "save it as .xlsx"),
    (b",,,\r\na,b\r\n", "x.csv", "column headers"),
    ("编码\r\n\"未闭合".encode(), "x.csv", "malformed near line 2"),
    (b"a,b\r\n\x00\x01", "x.csv", "not a CSV text file"),
    (b"\xef\xbb\xbfa,\xff\xfe", "x.csv", "not valid UTF-8"),
])
def test_an_unreadable_file_gets_one_clear_reason(data, filename, fragment):
    assert fragment in refusal(data, filename)


# ---------------------------------------------------------------------------------------------
# XLSX cells
# ---------------------------------------------------------------------------------------------

def test_xlsx_cells_are_read_as_the_text_a_person_sees():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["code", "days", "fee", "tiny", "when", "at", "postcode", "id", "yes"])
    sheet.append(["0301", 15.0, 12.5, 0.00001, datetime.datetime(2026, 1, 5),
                  datetime.datetime(2026, 1, 5, 13, 45), 63000, 130225199001011234, True])
    sheet["G2"].number_format = "000000"  # a postcode typed as a number into a zero-padded cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    line, cells = read_table(buffer.getvalue(), "x.xlsx").rows[0]
    assert line == 2
    # The 18-digit ID number went through a float when it was saved: its digits are lost, so it
    # reads as Excel shows it (and a code column refuses it), never as 130225199001011000.
    assert cells == ["0301", "15", "12.5", "0.00001", "2026-01-05", "2026-01-05 13:45", "063000",
                     "1.30225199001011E+17", "是"]


@pytest.mark.parametrize("value, text", [
    (None, ""), (7, "7"), (-3.0, "-3"), (1e15, "1E+15"), (Decimal("12.50"), "12.50"), (Decimal("20"), "20"),
    (datetime.date(2026, 2, 1), "2026-02-01"), (datetime.time(8, 30), "08:30"), (False, "否"),
])
def test_cell_values_become_text_without_binary_noise_or_exponents(value, text):
    assert cell_text(value) == text


def test_a_code_that_a_spreadsheet_turned_into_scientific_notation_is_refused_with_a_reason():
    assert code_text(" 0301 ") == "0301"
    assert code_text("2E10-A") == "2E10-A"
    with pytest.raises(ValidationError, match="turned into a number"):
        code_text("1.30225E+17")


# ---------------------------------------------------------------------------------------------
# Caps, checked while the file streams
# ---------------------------------------------------------------------------------------------

def test_a_file_over_the_size_cap_is_refused_before_it_is_read_whole():
    assert "larger than 1 MB" in refusal(io.BytesIO(b"a" * (2**20 + 10)), "x.csv")


def test_a_csv_over_the_row_cap_is_refused_at_the_first_row_past_it_without_reading_the_rest():
    # After the cap the file is broken: had the reader gone on, it would have said "malformed".
    data = csv_bytes([[f"C{n}", "x", "1"] for n in range(200)], HEADER) + b'"never closed'
    seen = []
    message = refusal(data, "x.csv", progress=lambda done, expected: seen.append(done))
    assert "more than 50 rows" in message
    assert max(seen, default=0) <= SMALL.max_rows


def test_a_file_of_blank_lines_is_refused_at_the_line_cap():
    assert "more than 50 rows" in refusal(b"a,b\r\n" + b",,\r\n" * 1000, "x.csv")


def test_a_value_right_of_the_column_cap_is_refused_with_its_line_and_trailing_empty_cells_are_not():
    assert read_table(b"a,b,,,,,,,,\r\n1,2,,,,,,,,\r\n", "x.csv").rows == [(2, ["1", "2"])]
    assert "Line 3 has a value right of column 5" in refusal(b"a,b\r\n1,2\r\n1,2,3,4,5,6\r\n", "x.csv")
    data = xlsx_bytes([["1", "2"], ["1", "2", "3", "4", "5", "6"]], header=["a", "b"])
    assert "Line 3 has a value right of column 5" in refusal(data)


def test_a_cell_over_the_length_cap_is_refused_naming_its_line_column_and_the_cap():
    data = csv_bytes([["A", "x" * 101, "1"]], HEADER)
    assert refusal(data, "x.csv") == "Line 2, column “名称”: a cell holds more than 100 characters."
    assert "Line 2, column “名称”" in refusal(xlsx_bytes([["A", "x" * 101, 1]], HEADER))


def test_every_refusal_names_its_cap_in_chinese():
    with translation.override("zh-hans"):
        assert "50" in refusal(csv_bytes([["A", "x", "1"]] * 60, HEADER), "x.csv")
        assert "超过" in refusal(csv_bytes([["A", "x", "1"]] * 60, HEADER), "x.csv")


def test_an_xlsx_with_many_rows_is_refused_at_the_row_cap_before_openpyxl_opens_it(openpyxl_never_opens):
    # 20,000 ordinary rows, then XML that is broken: the scan stops at row 52 and never reaches it.
    sheet = dense_sheet(20_000, 4, references=True, tail=b"<row><c><v>broken")
    assert "more than 50 rows" in refusal(xlsx_with_sheet(sheet))


def test_an_xlsx_with_rows_thousands_of_cells_wide_is_refused_at_the_column_cap_before_openpyxl_opens_it(
        openpyxl_never_opens):
    data = xlsx_with_sheet(dense_sheet(40, 16_384, references=True))
    assert len(data) < 5 * 2**20
    assert "Line 1 has a value right of column 30" in refusal(data, caps=Caps())


def test_the_857_kb_style_zip_bomb_is_refused_from_the_zip_directory_before_anything_is_unpacked(
        openpyxl_never_opens):
    # What held a worker for 318 s: a sheet of hundreds of MB that packs into well under 1 MB.
    data = zip_bomb_xlsx()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 250 * 2**20 and len(data) < 2**20
    assert "unpacks to more than 64 MB" in refusal(data, caps=Caps())


def test_a_part_packed_tighter_than_a_spreadsheet_can_be_is_refused_as_a_zip_bomb(openpyxl_never_opens):
    data = xlsx_with_sheet(dense_sheet(2000, 1000))  # 30 MB that packs 500 times
    assert "packed more than 100 times tighter" in refusal(data, caps=Caps())


def test_a_workbook_with_a_dtd_is_refused(openpyxl_never_opens):
    sheet = iter([b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData/></worksheet>'])
    assert "not a readable .xlsx" in refusal(xlsx_with_sheet(sheet))


def test_an_xlsx_within_the_caps_is_read_row_by_row_with_progress():
    seen = []
    table = read_table(xlsx_bytes([[f"C{n}", "x", n] for n in range(450)], HEADER), "x.xlsx",
                       caps=Caps(), progress=lambda done, expected: seen.append((done, expected)))
    assert len(table.rows) == 450 and table.rows[-1] == (451, ["C449", "x", "449"])
    assert seen == [(200, 450), (400, 450), (450, 450)]


# ---------------------------------------------------------------------------------------------
# Headers and reports
# ---------------------------------------------------------------------------------------------

COLUMNS = [Column("code", "事项编码", ("code", "item code"), required=True), Column("fee", "收费(元)", ("fee",)),
           Column("name", "事项名称", ("name",), required=True)]


def test_headers_are_found_in_any_order_by_chinese_or_english_name_and_unknown_ones_are_ignored():
    found = map_headers(["收费（元）", " Item_Code ", "备注"], COLUMNS)
    assert found.index == {"fee": 0, "code": 1} and found.ignored == ["备注"]
    assert found.cell(["12", "A-1"], "code") == "A-1" and found.cell(["12"], "code") == ""
    assert found.label("code") == " Item_Code " and found.label("name") == "事项名称"
    assert found.problems == [Problem(1, "事项名称", "The required column “事项名称” is missing.")]


def test_a_column_given_twice_is_a_problem_on_line_1():
    assert map_headers(["code", "事项编码", "name"], COLUMNS).problems == [
        Problem(1, "事项编码", "Column “事项编码” appears twice (as “code” too).")]


def test_a_report_survives_being_stored_and_keeps_at_most_1000_problems():
    report = ImportReport(rows=3, problems=[Problem(n, "编码", "坏") for n in range(1500)])
    again = ImportReport.from_dict(report.as_dict())
    assert len(again.problems) == 1000 and again.total_problems == 1500 and again.unlisted_problems == 500
    assert again.problems[0] == Problem(0, "编码", "坏") and not again.ok


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

def test_csv_is_utf8_with_bom_defuses_formulas_but_not_negative_amounts_and_reads_back_unchanged():
    texts = ["=HYPERLINK(\"x\")", "+1", "-12.50", "@SUM", "'quoted", "0301", "普通"]
    data = to_csv(Sheet(title="t", headers=["a"] * len(texts), rows=[texts]))
    assert data.startswith("\ufeff".encode())
    written = data.decode("utf-8-sig").splitlines()[1]
    assert written.startswith('"\'=HYPERLINK') and ",-12.50,'@SUM,''quoted," in written
    assert read_table(data, "x.csv").rows == [(2, texts)]


def test_csv_writes_aware_datetimes_in_the_county_time_zone_and_any_rows_as_they_come():
    at = datetime.datetime(2026, 3, 1, 0, 30, tzinfo=datetime.UTC)
    assert write_csv([["时间", at], [], [None, Decimal("-3.00")]]).decode("utf-8-sig") == \
        "时间,2026-03-01 08:30\r\n\r\n,-3.00\r\n"


def test_xlsx_writes_text_as_text_never_formulas_numbers_as_numbers_and_local_times():
    at = timezone.make_aware(datetime.datetime(2026, 3, 1, 8, 30))
    sheet = Sheet(title="台账/三月", headers=["a", "b", "c", "d"], rows=[["=1+1", Decimal("12.50"), at, 7]],
                  footer=["合计", Decimal("12.50"), None, 7])
    book = load_workbook(io.BytesIO(to_xlsx([sheet])))
    ws = book.worksheets[0]
    assert ws.title == "台账_三月" and ws.freeze_panes == "A2"
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s"
    assert ws["B2"].value == 12.5 and ws["B2"].number_format == "0.00"
    assert ws["C2"].value == datetime.datetime(2026, 3, 1, 8, 30) and ws["A1"].font.bold and ws["A3"].font.bold


def test_codes_written_to_xlsx_stay_text_and_read_back_as_written():
    codes = ["000301", "130225199001011234", "13800138000", "1.5E+3", "007"]
    data = to_xlsx([Sheet(title="codes", headers=["a", "b", "c", "d", "e"], rows=[codes])])
    assert [cell.data_type for cell in load_workbook(io.BytesIO(data)).worksheets[0][2]] == ["s"] * 5
    assert read_table(data, "codes.xlsx").rows == [(2, codes)]


def test_xlsx_rows_may_come_from_a_generator_of_twenty_thousand_rows():
    taken = []

    def rows():
        for n in range(20_000):
            taken.append(n)
            yield [f"{n:06d}", n]

    data = write_sheets(Sheet(title="big", headers=["code", "n"], rows=rows()), "xlsx")
    assert len(taken) == 20_000
    last = list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(min_row=20_001, values_only=True))
    assert last == [("019999", 19999)]


def test_write_sheets_writes_every_sheet_to_xlsx_and_the_first_to_csv_and_refuses_other_formats():
    first, second = Sheet(title="一", headers=["a"], rows=[["1"]]), Sheet(title="二", headers=["b"], rows=[["2"]])
    assert load_workbook(io.BytesIO(write_sheets([first, second], "xlsx"))).sheetnames == ["一", "二"]
    assert write_sheets([first, second], "csv") == to_csv(first) == write_sheets(first, "csv")
    with pytest.raises(ValueError):
        write_sheets(first, "pdf")


def test_a_spreadsheet_download_has_its_type_and_a_chinese_file_name_the_browser_decodes():
    sheet = Sheet(title="台账", headers=["编码"], rows=[["0301"]])
    response = spreadsheet_response([sheet], fmt="xlsx", filename="服务台账-202603")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert disposition.endswith("%E6%9C%8D%E5%8A%A1%E5%8F%B0%E8%B4%A6-202603.xlsx")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "private, no-store"
    assert read_table(response.content, "x.xlsx").rows == [(2, ["0301"])]


def test_a_csv_download_is_utf8_with_bom_and_keeps_the_extension_it_was_given():
    response = spreadsheet_response(write_csv([["月份", "2026-03"]]), fmt="csv", filename="statement-2026-03.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="statement-2026-03.csv"'
    assert response.content.startswith("\ufeff月份".encode())
