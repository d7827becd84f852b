"""Commission arithmetic: table-tested, and the split never creates or loses a fen."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from agency.tariffs import (
    Shares,
    Slab,
    Tariff,
    TariffError,
    commission_for,
    gross_commission,
    round_half_up_div,
    split_by_shares,
)

SPLIT = Shares(7000, 1000, 1000, 1000)
SLABS = (Slab(10_000, flat_fen=50), Slab(100_000, rate_bp=50), Slab(None, rate_bp=30, flat_fen=100))


@pytest.mark.parametrize(("tariff", "amount", "expected"), [
    (Tariff("percentage", rate_bp=100), 10_000, 100),          # 1 % of 100 yuan = 1 yuan
    (Tariff("percentage", rate_bp=100), 1_050, 11),            # 10.5 fen rounds half up to 11
    (Tariff("percentage", rate_bp=100), 1_049, 10),            # 10.49 fen rounds down
    (Tariff("percentage", rate_bp=15), 3_333, 5),              # 4.9995 → 5
    (Tariff("percentage", rate_bp=100, min_fen=20), 500, 20),  # below the minimum
    (Tariff("percentage", rate_bp=100, max_fen=500), 90_000, 500),  # above the maximum
    (Tariff("flat", flat_fen=150), 1, 150),
    (Tariff("flat", flat_fen=150), 9_999_999, 150),
    (Tariff("slabs", slabs=SLABS), 10_000, 50),                # upper limit belongs to its band
    (Tariff("slabs", slabs=SLABS), 10_001, 50),                # 0.5 % of 100.01 yuan = 50.005 → 50
    (Tariff("slabs", slabs=SLABS), 100_000, 500),
    (Tariff("slabs", slabs=SLABS), 200_000, 700),              # 1 yuan + 0.3 % of 2000 yuan
    (Tariff("percentage", rate_bp=0), 10_000, 0),
])
def test_gross_commission_by_method_band_and_limits(tariff, amount, expected):
    assert gross_commission(tariff, amount) == expected


@pytest.mark.parametrize(("total", "shares", "expected"), [
    (100, (7000, 1000, 1000, 1000), [70, 10, 10, 10]),
    (1, (7000, 1000, 1000, 1000), [1, 0, 0, 0]),
    (3, (2500, 2500, 2500, 2500), [1, 1, 1, 0]),   # ties go to the earlier tier
    (7, (3333, 3333, 3334, 0), [2, 2, 3, 0]),     # 2.3331, 2.3331, 2.3338: the largest remainder wins
    (11, (5000, 5000, 0, 0), [6, 5, 0, 0]),
    (0, (7000, 1000, 1000, 1000), [0, 0, 0, 0]),
])
def test_split_by_largest_remainder(total, shares, expected):
    assert split_by_shares(total, shares) == expected


def test_commission_splits_by_tier_and_withholds_tax_from_the_operator_only():
    result = commission_for(Tariff("percentage", rate_bp=100, shares=SPLIT, tax_rate_bp=300), 123_456)
    assert (result.total_fen, result.operator_fen, result.township_fen, result.county_fen, result.platform_fen) == (
        1235, 865, 124, 123, 123)
    assert result.tax_fen == 26  # 3 % of 8.65 yuan = 25.95 fen → 26
    assert result.operator_net_fen == 839


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"method": "bonus"}, "Unknown"),
    ({"method": "flat", "flat_fen": -1}, "negative"),
    ({"method": "flat", "shares": Shares(5000, 1000, 1000, 1000)}, "add up"),
    ({"method": "flat", "min_fen": 10, "max_fen": 5}, "maximum"),
    ({"method": "flat", "tax_rate_bp": 10_001}, "tax"),
    ({"method": "slabs", "slabs": ()}, "at least one"),
    ({"method": "slabs", "slabs": (Slab(100),)}, "no upper limit"),
    ({"method": "slabs", "slabs": (Slab(500), Slab(100), Slab(None))}, "ascending"),
])
def test_invalid_tariffs_are_refused_with_a_reason(kwargs, message):
    with translation.override("en"), pytest.raises(TariffError, match=message):
        Tariff(**kwargs)


def test_rounding_helper_rounds_half_up():
    assert [round_half_up_div(n, 10) for n in (0, 4, 5, 14, 15, 25)] == [0, 0, 1, 1, 2, 3]


shares = st.lists(st.integers(0, 10_000), min_size=3, max_size=3).map(sorted).map(
    lambda cuts: (cuts[0], cuts[1] - cuts[0], cuts[2] - cuts[1], 10_000 - cuts[2]))


@given(total=st.integers(0, 10**12), shares_bp=shares)
def test_split_never_creates_or_loses_a_fen(total, shares_bp):
    parts = split_by_shares(total, shares_bp)
    assert sum(parts) == total
    for part, share in zip(parts, shares_bp, strict=True):
        assert abs(part - total * share / 10_000) < 1  # each part within a fen of its exact share


@given(amount=st.integers(0, 10**10), rate=st.integers(0, 10_000), tax=st.integers(0, 10_000), shares_bp=shares)
def test_commission_parts_always_add_up_to_the_total(amount, rate, tax, shares_bp):
    result = commission_for(Tariff("percentage", rate_bp=rate, shares=Shares(*shares_bp), tax_rate_bp=tax), amount)
    assert sum(result.parts.values()) == result.total_fen
    assert 0 <= result.tax_fen <= result.operator_fen
