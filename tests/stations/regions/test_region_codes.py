"""Official division codes: the level and parent a code tells, its short stored forms, and the levels
as files write them."""

import pytest
from django.core.exceptions import ValidationError

from stations.regions import codes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


# --- official codes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, level, parent", [
    ("130000000000", "province", None),
    ("130200", "city", "130000000000"),
    ("130225", "county", "130200000000"),
    ("130225100", "township", "130225000000"),
    ("130225100203", "village", "130225100000"),
    ("441900003000", "township", "441900000000"),  # 东莞: townships straight under the city
])
def test_a_code_tells_its_level_and_its_parent(code, level, parent):
    full = codes.canonical(code)
    assert len(full) == 12
    assert codes.structural_level(full) == level
    assert codes.structural_parent(full) == parent


@pytest.mark.parametrize("code", ["", "1302", "13022510", "1302251002031", "13A225", "000000000000"])
def test_what_is_not_a_division_code_is_refused(code):
    with pytest.raises(ValidationError):
        codes.structural_level(codes.canonical(code))


def test_a_code_may_be_stored_without_its_trailing_zeros():
    assert codes.short_forms("130225000000") == {"130225000000", "130225000", "130225"}
    assert codes.short_forms("130225100000") == {"130225100000", "130225100"}
    assert codes.short_forms("130225100203") == {"130225100203"}


def test_a_code_someone_types_finds_the_region_however_it_is_stored():
    assert codes.stored_forms(" 130225 ") == {"130225000000", "130225000", "130225"}
    assert codes.stored_forms("130225100000") == {"130225100000", "130225100"}
    assert codes.stored_forms("LT-9") == {"LT-9"}  # not a division code: as it is


@pytest.mark.parametrize("code, level", [("130225100001", "community"), ("130225100199", "community"),
                                         ("130225100200", "village"), ("130225100399", "village")])
def test_residents_committees_are_communities_and_villagers_committees_villages(code, level):
    assert codes.village_level_by_code(code) == level


@pytest.mark.parametrize("text, level", [("村", "village"), ("社区", "community"), ("居委会", "community"),
                                         ("乡镇", "township"), ("街道", "township"), ("县", "county"),
                                         ("市", "city"), ("Village", "village"), ("", None)])
def test_levels_as_files_write_them(text, level):
    assert codes.parse_level(text) == level


def test_an_unknown_level_is_refused():
    with pytest.raises(ValidationError, match="not a level"):
        codes.parse_level("组")
