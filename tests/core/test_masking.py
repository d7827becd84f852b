"""The one masking policy (core/masking.py): what lists, receipts and exports show of personal data."""

import pytest

from core.masking import mask_id_number, mask_mobile, mask_name


@pytest.mark.parametrize(("value", "masked"), [
    ("11010519491231002X", "110105********002X"),
    ("12345", "*****"),
    ("", ""),
])
def test_an_id_number_keeps_its_area_code_and_last_four(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("13912345678", "139****5678"),
    ("0315-123", "********"),
    ("", ""),
])
def test_a_mobile_number_keeps_its_first_three_and_last_four(value, masked):
    assert mask_mobile(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("王建国", "王*国"), ("欧阳秀英", "欧**英"), ("李明", "李*"), ("王", "王"), (" ", ""),
])
def test_a_name_keeps_its_first_and_last_character(value, masked):
    assert mask_name(value) == masked
