import pytest
from django.core.exceptions import ValidationError

from shop.credit_code import check_character, normalise, validate_credit_code
from tests.shop.factories import credit_code


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B"])
def test_published_credit_codes_pass_the_gb_32100_check(code):
    assert validate_credit_code(code) == code


def test_full_width_lower_case_and_spaces_are_normalised_before_checking():
    assert normalise(" ９１３５０１００ｍ０００１００ｙ４３ ") == "91350100M000100Y43"
    assert validate_credit_code("9135 0100 m000 100y 43") == "91350100M000100Y43"


def test_a_single_mistyped_character_is_caught_by_the_check_character():
    code = credit_code(4321)
    wrong = code[:10] + ("1" if code[10] != "1" else "2") + code[11:]
    with pytest.raises(ValidationError) as error:
        validate_credit_code(wrong)
    assert error.value.code == "check"


@pytest.mark.parametrize(("code", "reason"), [
    ("91350100M000100Y4", "length"),
    ("91350100M000100O43", "alphabet"),   # the letter O is never used
    ("Z1350100M000100Y43", "alphabet"),
    ("913501A0M000100Y43", "format"),     # the division code must be digits
])
def test_malformed_codes_say_what_is_wrong(code, reason):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == reason


def test_check_character_is_zero_when_the_weighted_sum_is_a_multiple_of_31():
    # 17 zeros sum to 0, so the check is (31 - 0) % 31 = 0.
    assert check_character("0" * 17) == "0"
