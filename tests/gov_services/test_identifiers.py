"""Resident ID numbers, mobile numbers and tracking codes (gov_services/identifiers.py)."""

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from gov_services.identifiers import (
    ID_CHECK_CHARS,
    TRACKING_ALPHABET,
    format_tracking_code,
    id_check_character,
    is_valid_tracking_code,
    new_tracking_code,
    normalise_tracking_code,
    tracking_check_symbol,
    validate_id_number,
    validate_mobile,
)

TODAY = date(2026, 6, 1)


def with_check(first17: str) -> str:
    return first17 + id_check_character(first17)


def id_error_code(value: str) -> str:
    with pytest.raises(ValidationError) as raised:
        validate_id_number(value, today=TODAY)
    return raised.value.code


# --- resident ID number ----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "normalised"), [
    ("11010519491231002X", "11010519491231002X"),      # GB 11643-1999's example
    ("440524188001010014", "440524188001010014"),      # the other published example (born 1880)
    ("11010519491231002x", "11010519491231002X"),      # lower-case x
    (" 110105 19491231 002X ", "11010519491231002X"),  # spaces
    ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width, as an IME types it
    (with_check("33010220000229123"), with_check("33010220000229123")),  # 29 Feb of a leap year
    (with_check("33010220260601123"), with_check("33010220260601123")),  # born today
])
def test_valid_id_numbers_are_normalised(value, normalised):
    assert validate_id_number(value, today=TODAY) == normalised


@pytest.mark.parametrize(("value", "code"), [
    ("", "id_length"),
    ("11010519491231002", "id_length"),             # 17
    ("11010519491231002X1", "id_length"),           # 19
    ("110105491231002", "id_length"),               # the old 15-digit format
    ("11010519491231002Y", "id_characters"),
    ("1101051949123100X2", "id_characters"),        # X only at the end
    ("11010519491231002-", "id_characters"),
    ("A10105194912310021", "id_characters"),
    (with_check("11010519490231002"), "id_birth_date"),   # 31 Feb
    (with_check("11010520230229002"), "id_birth_date"),   # 29 Feb of a common year
    (with_check("11010519001301002"), "id_birth_date"),   # month 13
    (with_check("11010519490100002"), "id_birth_date"),   # day 0
    (with_check("11010500000000002"), "id_birth_date"),
    (with_check("11010509901231002"), "id_birth_date"),   # year 0990: a typing error
    (with_check("11010520260602002"), "id_birth_future"),  # tomorrow
    (with_check("11010529901231002"), "id_birth_future"),
    ("110105194912310021", "id_checksum"),
])
def test_invalid_id_numbers_say_what_is_wrong(value, code):
    assert id_error_code(value) == code


def test_id_length_message_gives_the_length():
    with pytest.raises(ValidationError) as raised:
        validate_id_number("12345")
    assert "5" in raised.value.messages[0]


@pytest.mark.parametrize("wrong", sorted(set(ID_CHECK_CHARS) - {"X"}))
def test_every_wrong_check_character_is_refused(wrong):
    assert id_error_code("11010519491231002" + wrong) == "id_checksum"


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", with_check("51012319851020361")])
def test_every_single_digit_error_and_adjacent_swap_is_caught(number):
    """MOD 11-2 catches every single substitution and every adjacent transposition: each such
    change is refused (by the date check where the date breaks, else by the checksum)."""
    for i in range(18):
        for replacement in "0123456789X":
            if replacement == number[i] or (replacement == "X" and i < 17):
                continue
            typo = number[:i] + replacement + number[i + 1:]
            with pytest.raises(ValidationError):
                validate_id_number(typo, today=TODAY)
    for i in range(17):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
            with pytest.raises(ValidationError):
                validate_id_number(swapped, today=TODAY)


def test_birth_date_in_the_future_is_judged_against_beijing_today_by_default():
    tomorrow = date.today() + timedelta(days=2)
    number = with_check(f"110105{tomorrow:%Y%m%d}002")
    with pytest.raises(ValidationError) as raised:
        validate_id_number(number)
    assert raised.value.code == "id_birth_future"


def test_mask_agrees_with_the_model_property():
    from core.masking import mask_id_number
    from gov_services.models import ServiceRequest

    for number in ["11010519491231002X", "1234567"]:
        assert ServiceRequest(applicant_id_number=number).masked_id_number == mask_id_number(number)


# --- mobile numbers --------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "13812345678",
    "138 1234 5678",
    "138-1234-5678",
    "(138) 1234-5678",
    "+86 138 1234 5678",
    "+8613812345678",
    "0086 13812345678",
    "86 13812345678",
    "１３８１２３４５６７８",
    " 13812345678\n",
])
def test_mobile_numbers_are_normalised_to_11_digits(value):
    assert validate_mobile(value) == "13812345678"


@pytest.mark.parametrize("value", ["19912345678", "16612345678", "14712345678"])
def test_every_mobile_prefix_from_13_to_19_is_accepted(value):
    assert validate_mobile(value) == value


@pytest.mark.parametrize("value", [
    "",
    "12812345678",       # second digit 2
    "10012345678",
    "23812345678",       # does not start with 1
    "1381234567",        # 10 digits
    "138123456789",      # 12 digits
    "+1 3812345678",     # another country
    "+86 1381234567",    # prefix and too few digits
    "0311-12345678",     # a landline
    "138l2345678",       # a letter l for a 1
    "phone",
])
def test_invalid_mobile_numbers_are_refused(value):
    with pytest.raises(ValidationError) as raised:
        validate_mobile(value)
    assert raised.value.code == "mobile"


# --- tracking codes --------------------------------------------------------------------------

def random_codes(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [new_tracking_code(rng) for _i in range(count)]


def test_alphabet_has_30_unambiguous_symbols():
    assert len(TRACKING_ALPHABET) == len(set(TRACKING_ALPHABET)) == 30
    assert not set("0O1ILU") & set(TRACKING_ALPHABET)


def test_new_codes_are_nine_symbols_from_the_alphabet_and_valid():
    codes = random_codes(2000, seed=1) + [new_tracking_code() for _i in range(200)]
    for code in codes:
        assert len(code) == 9
        assert set(code) <= set(TRACKING_ALPHABET)
        assert is_valid_tracking_code(code)
        assert normalise_tracking_code(code) == code
    assert len(set(codes)) == len(codes)


def test_a_body_without_a_check_symbol_is_never_issued():
    """1 body in 31 would need a 31st symbol; new_tracking_code draws again."""
    bodies = ("".join(b) for b in zip(*[iter(random.Random(7).choices(TRACKING_ALPHABET, k=8 * 2000))] * 8,
                                       strict=False))
    checkless = next(b for b in bodies if tracking_check_symbol(b) is None)

    class Scripted:
        def __init__(self, text):
            self.symbols = iter(text)

        def choice(self, _alphabet):
            return next(self.symbols)

    code = new_tracking_code(Scripted(checkless + "7KQ4M2XB"))
    assert code == "7KQ4M2XBY"


def test_every_body_has_at_most_one_valid_check_symbol():
    for code in random_codes(200, seed=2):
        body = code[:8]
        assert [c for c in TRACKING_ALPHABET if is_valid_tracking_code(body + c)] == [code[8]]


@pytest.mark.parametrize("code", [*random_codes(12, seed=3), "222222222", "ZZZZZZZZA", "2Z2Z2Z2Z3"])
def test_every_single_symbol_error_is_caught(code):
    assert is_valid_tracking_code(code)
    for i in range(9):
        for symbol in TRACKING_ALPHABET:
            if symbol != code[i]:
                assert not is_valid_tracking_code(code[:i] + symbol + code[i + 1:]), (code, i, symbol)


@pytest.mark.parametrize("code", random_codes(12, seed=4))
def test_every_transposition_is_caught_adjacent_or_not(code):
    for i in range(9):
        for j in range(i + 1, 9):
            if code[i] != code[j]:
                swapped = list(code)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                assert not is_valid_tracking_code("".join(swapped)), (code, i, j)


def valid_code_with(position: int, a: str, b: str) -> str:
    """Some valid code with `a` at `position` and `b` right after it (the check symbol included)."""
    base = list(random_codes(1, seed=5)[0][:8])
    base[position] = a
    if position + 1 < 8:
        base[position + 1] = b
    for free in (p for p in range(8) if p not in (position, position + 1)):
        for symbol in TRACKING_ALPHABET:
            body = base.copy()
            body[free] = symbol
            check = tracking_check_symbol("".join(body))
            if check is not None and (position + 1 < 8 or check == b):
                return "".join(body) + check
    raise AssertionError("no such code")


def test_every_adjacent_transposition_of_every_symbol_pair_is_caught():
    """Exhaustive over the alphabet: any two different symbols, swapped at any adjacent positions
    (the last body symbol and the check symbol included), make an invalid code."""
    for position in range(8):
        for a in TRACKING_ALPHABET:
            for b in TRACKING_ALPHABET:
                if a != b:
                    code = valid_code_with(position, a, b)
                    assert (code[position], code[position + 1]) == (a, b)
                    swapped = code[:position] + b + a + code[position + 2:]
                    assert not is_valid_tracking_code(swapped), (code, position)


def test_codes_are_displayed_in_groups_of_four():
    assert format_tracking_code("7KQ4M2XBY") == "7KQ4-M2XB-Y"


@pytest.mark.parametrize("typed", [
    "7KQ4M2XBY",
    "7KQ4-M2XB-Y",
    "7kq4-m2xb-y",
    " 7KQ4 M2XB Y ",
    "7KQ4—M2XB—Y",            # em dashes from a Chinese keyboard
    "７ＫＱ４－Ｍ２ＸＢ－Ｙ",    # full-width
])
def test_typed_codes_are_normalised(typed):
    assert normalise_tracking_code(typed) == "7KQ4M2XBY"
    assert is_valid_tracking_code(typed)


@pytest.mark.parametrize(("typed", "code"), [
    ("7KQ4-M2XB-O", "tracking_confusable"),   # O is never used …
    ("7KQ4-M2XB-0", "tracking_confusable"),   # … nor 0
    ("IKQ4-M2XB-Y", "tracking_confusable"),
    ("1KQ4-M2XB-Y", "tracking_confusable"),
    ("7KQ4-M2XL-Y", "tracking_confusable"),
    ("7KQ4-M2XU-Y", "tracking_confusable"),
    ("7KQ4-M2XB", "tracking_shape"),
    ("7KQ4-M2XB-YY", "tracking_shape"),
    ("7KQ4-M2X#-Y", "tracking_shape"),
    ("", "tracking_shape"),
    ("7KQ4-M2XB-Z", "tracking_checksum"),
    ("7KQ4-M2BX-Y", "tracking_checksum"),
])
def test_bad_codes_are_refused_with_a_reason(typed, code):
    with pytest.raises(ValidationError) as raised:
        normalise_tracking_code(typed)
    assert raised.value.code == code
    assert not is_valid_tracking_code(typed)


def test_confusable_message_names_the_symbols():
    with pytest.raises(ValidationError) as raised:
        normalise_tracking_code("OKQ4-M2XB-0")
    assert "0" in raised.value.messages[0]
    assert "O" in raised.value.messages[0]
