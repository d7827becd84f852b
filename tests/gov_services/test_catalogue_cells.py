"""Catalogue file cells: fees in yuan, yes/no, categories, accepting levels, the materials cell syntax and
e-form cells. Import and export are in test_catalogue_import.py and test_catalogue_export.py; reading files as
such is tested in tests/core/test_spreadsheets.py."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gov_services.catalogue import cells
from gov_services.catalogue import spreadsheets as cio
from tests.factories import ServiceItemFactory
from tests.gov_services.catalogue_files import SCHEMA

# Messages are asserted by their English msgids (the english_messages fixture, conftest.py).
pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.mark.parametrize("text, fen", [
    ("0", 0), ("", 0), ("免费", 0), ("12", 1200), ("12.5", 1250), ("12.50", 1250), ("0.01", 1), ("20元", 2000),
    ("¥1,200.00", 120000), ("￥ 80", 8000), (" 3.3 ", 330), ("0.1", 10), ("999999.99", 99999999), ("无", 0),
    ("12.", 1200), ("１２.５", 1250), ("-0", 0),  # read as every money field of the project reads them (core.money)
])
def test_fee_in_yuan_becomes_exact_fen(text, fen):
    assert cells.parse_fee_fen(text) == fen


@pytest.mark.parametrize("text, fragment", [
    ("12.345", "more than two decimal places"), ("0.001", "more than two decimal places"),
    ("-1", "negative"), ("abc", "not an amount"), ("1e3", "not an amount"), ("NaN", "not an amount"),
    ("1.2.3", "not an amount"), ("9" * 14, "too large"),
])
def test_a_bad_fee_is_refused_with_a_reason(text, fragment):
    with pytest.raises(ValidationError, match=fragment):
        cells.parse_fee_fen(text)


@pytest.mark.parametrize("fen, text", [(0, "0.00"), (1, "0.01"), (500, "5.00"), (1250, "12.50"), (120000, "1200.00")])
@pytest.mark.django_db
def test_fees_are_written_as_yuan_with_two_decimals_and_read_back(department, fen, text):
    fee = [column.key for column in cio.COLUMNS].index("fee")
    item = ServiceItemFactory(department=department, fee_fen=fen)
    assert cio.item_row(item, fmt="csv")[fee] == text and cio.item_row(item, fmt="xlsx")[fee] == Decimal(text)
    assert cells.parse_fee_fen(text) == fen


@pytest.mark.parametrize("text, value", [
    ("是", True), ("否", False), ("", False), ("Y", True), ("no", False), ("TRUE", True), ("0", False), ("√", True),
])
def test_yes_no_cells(text, value):
    assert cells.parse_bool(text) is value


def test_a_yes_no_cell_with_something_else_is_refused():
    with pytest.raises(ValidationError, match="not 是 or 否"):
        cells.parse_bool("也许")


@pytest.mark.parametrize("text, value", [
    ("行政许可", "licence"), ("公共服务", "public_service"), ("日常管理", "daily_management"),
    ("便民服务", "convenience"), ("licence", "licence"), ("Public_Service", "public_service"),
    ("Administrative licence", "licence"), ("convenience service", "convenience"),
])
def test_categories_by_chinese_label_value_or_english_name(text, value):
    assert cells.parse_category(text) == value


@pytest.mark.parametrize("text, value", [
    ("村级", "village"), ("村", "village"), ("社区", "community"), ("乡镇", "township"), ("镇", "township"),
    ("县级", "county"), ("县", "county"), ("市级", "city"), ("village", "village"), ("Township", "township"),
])
def test_accepting_levels_by_chinese_label_or_value(text, value):
    assert cells.parse_level(text) == value


@pytest.mark.parametrize("parser, text", [(cells.parse_category, "彩票"), (cells.parse_level, "省级")])
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
    parsed = cells.parse_materials(text)
    assert [(m["name"], m["form"], m["required"], m["note"]) for m in parsed] == materials
    assert cells.parse_materials(cells.format_materials(parsed)) == parsed


@pytest.mark.parametrize("text, fragment", [
    ("身份证:传真件", "unknown form “传真件”"),
    ("身份证:原件;身份证:原件", "listed twice"),
    (":原件", "no name"),
    ("照片:原件:也许", "should be 必需 or 可选"),
    ("a:原件:必需:b:c", "too many parts"),
])
def test_a_bad_materials_cell_says_why(text, fragment):
    with pytest.raises(ValidationError) as caught:
        cells.parse_materials(text)
    assert fragment in " ".join(caught.value.messages)


def test_an_e_form_cell_must_be_valid_json_and_a_valid_schema():
    assert cells.parse_schema("") == []
    assert cells.parse_schema(json.dumps(SCHEMA, ensure_ascii=False)) == SCHEMA
    with pytest.raises(ValidationError, match="not valid JSON"):
        cells.parse_schema('[{"name": "x",}]')
    with pytest.raises(ValidationError, match="unknown type"):
        cells.parse_schema('[{"name": "x", "type": "colour", "label": "颜色"}]')
