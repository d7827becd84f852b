"""Commission arithmetic, pure: no ORM, no I/O, integer fen only.

A tariff turns a transaction amount into a commission (percentage, flat, or slabs by amount
band; then clamped to a minimum and maximum), splits it between the village operator, the
township, the county and the platform by shares, and withholds tax from the operator's part.

Rounding is explicit and never creates or loses a fen:
* a percentage is rounded half up to the fen (amount × rate / 10000; 0.5 fen → 1 fen);
* the split gives each tier its share rounded down, then hands the fen left over, one each, to the
  tiers with the largest remainders (ties: operator, township, county, platform) — the largest-
  remainder method, so the parts always add up to the total;
* tax is the operator's part × tax rate, rounded half up, never more than that part.
Rates and shares are basis points: 10000 = 100 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from django.utils.translation import gettext as _

WHOLE_BP: Final = 10_000
METHODS: Final = ("percentage", "flat", "slabs")
TIERS: Final = ("operator", "township", "county", "platform")


class TariffError(ValueError):
    """A tariff that cannot be applied (the message says why; it is shown to county admins)."""


@dataclass(frozen=True)
class Slab:
    """A band of amounts up to and including `up_to_fen` (None: no upper end)."""

    up_to_fen: int | None
    rate_bp: int = 0
    flat_fen: int = 0


@dataclass(frozen=True)
class Shares:
    operator_bp: int = WHOLE_BP
    township_bp: int = 0
    county_bp: int = 0
    platform_bp: int = 0

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.operator_bp, self.township_bp, self.county_bp, self.platform_bp)


@dataclass(frozen=True)
class Tariff:
    method: str
    rate_bp: int = 0
    flat_fen: int = 0
    slabs: tuple[Slab, ...] = ()
    min_fen: int = 0
    max_fen: int | None = None
    shares: Shares = Shares()
    tax_rate_bp: int = 0

    def __post_init__(self) -> None:
        validate_tariff(self)


@dataclass(frozen=True)
class Commission:
    """One transaction's commission: the total and its parts. operator_fen is before tax."""

    total_fen: int
    operator_fen: int
    township_fen: int
    county_fen: int
    platform_fen: int
    tax_fen: int

    @property
    def operator_net_fen(self) -> int:
        return self.operator_fen - self.tax_fen

    @property
    def parts(self) -> dict[str, int]:
        return dict(zip(TIERS, (self.operator_fen, self.township_fen, self.county_fen, self.platform_fen),
                        strict=True))


NO_COMMISSION: Final = Commission(0, 0, 0, 0, 0, 0)


def round_half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for numerator ≥ 0 and denominator > 0."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up_div takes a non-negative numerator and a positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


def split_by_shares(total_fen: int, shares_bp: Sequence[int]) -> list[int]:
    """Split `total_fen` by basis-point shares (adding up to 10000) with the largest-remainder method."""
    if total_fen < 0:
        raise ValueError("cannot split a negative amount")
    if sum(shares_bp) != WHOLE_BP or any(s < 0 for s in shares_bp):
        raise TariffError(_("The shares must be zero or more and add up to 100 %."))
    parts = [total_fen * share // WHOLE_BP for share in shares_bp]
    remainders = [total_fen * share % WHOLE_BP for share in shares_bp]
    left_over = total_fen - sum(parts)
    # Stable sort: on equal remainders the earlier tier (operator first) gets the fen.
    for index in sorted(range(len(parts)), key=lambda i: -remainders[i])[:left_over]:
        parts[index] += 1
    return parts


def validate_tariff(tariff: Tariff) -> None:
    if tariff.method not in METHODS:
        raise TariffError(_("Unknown commission method “%(method)s”.") % {"method": tariff.method})
    numbers = [tariff.rate_bp, tariff.flat_fen, tariff.min_fen, tariff.tax_rate_bp, *tariff.shares.as_tuple()]
    if any(n < 0 for n in numbers) or (tariff.max_fen is not None and tariff.max_fen < 0):
        raise TariffError(_("Rates, amounts and shares cannot be negative."))
    if sum(tariff.shares.as_tuple()) != WHOLE_BP:
        raise TariffError(_("The operator, township, county and platform shares must add up to 100 %."))
    if tariff.tax_rate_bp > WHOLE_BP:
        raise TariffError(_("The tax rate cannot exceed 100 %."))
    if tariff.max_fen is not None and tariff.max_fen < tariff.min_fen:
        raise TariffError(_("The maximum commission is below the minimum."))
    if tariff.method == "slabs":
        _validate_slabs(tariff.slabs)


def _validate_slabs(slabs: Sequence[Slab]) -> None:
    if not slabs:
        raise TariffError(_("A slab tariff needs at least one band."))
    if slabs[-1].up_to_fen is not None:
        raise TariffError(_("The last band must have no upper limit."))
    limits = [s.up_to_fen for s in slabs[:-1]]
    if any(limit is None for limit in limits) or limits != sorted(set(limits)):
        raise TariffError(_("Bands must be in ascending order of their upper limits, without repeats."))
    if any(s.rate_bp < 0 or s.flat_fen < 0 for s in slabs) or (limits and limits[0] < 0):
        raise TariffError(_("Rates, amounts and shares cannot be negative."))


def gross_commission(tariff: Tariff, amount_fen: int) -> int:
    """The commission before the split, clamped to the tariff's minimum and maximum."""
    if amount_fen < 0:
        raise ValueError("amount_fen must not be negative")
    if tariff.method == "percentage":
        raw = round_half_up_div(amount_fen * tariff.rate_bp, WHOLE_BP)
    elif tariff.method == "flat":
        raw = tariff.flat_fen
    else:
        slab = next(s for s in tariff.slabs if s.up_to_fen is None or amount_fen <= s.up_to_fen)
        raw = slab.flat_fen + round_half_up_div(amount_fen * slab.rate_bp, WHOLE_BP)
    raw = max(raw, tariff.min_fen)
    return raw if tariff.max_fen is None else min(raw, tariff.max_fen)


def commission_for(tariff: Tariff, amount_fen: int) -> Commission:
    """The commission on `amount_fen`, split by tier, with the operator's tax."""
    total = gross_commission(tariff, amount_fen)
    operator, township, county, platform = split_by_shares(total, tariff.shares.as_tuple())
    tax = min(operator, round_half_up_div(operator * tariff.tax_rate_bp, WHOLE_BP))
    return Commission(total, operator, township, county, platform, tax)


def commission_of_fixed_amount(total_fen: int, *, tax_rate_bp: int) -> Commission:
    """A commission fixed by the caller (a store order): all to the operator, tax withheld."""
    return commission_for(Tariff(method="flat", flat_fen=total_fen, tax_rate_bp=tax_rate_bp), 0)


def tariff_from_version(version) -> Tariff:
    """A Tariff from anything with CommissionPlanVersion's attributes (reads fields only, no queries)."""
    try:
        slabs = tuple(Slab(up_to_fen=None if s.get("up_to_fen") is None else int(s["up_to_fen"]),
                           rate_bp=int(s.get("rate_bp", 0)), flat_fen=int(s.get("flat_fen", 0)))
                      for s in (version.slabs or []))
    except (TypeError, ValueError, AttributeError) as error:
        raise TariffError(_("Each band needs an upper limit (or none for the last) and a rate or amount.")) from error
    return Tariff(
        method=version.method, rate_bp=version.rate_bp, flat_fen=version.flat_fen, slabs=slabs,
        min_fen=version.min_fen, max_fen=version.max_fen,
        shares=Shares(version.share_operator_bp, version.share_township_bp, version.share_county_bp,
                      version.share_platform_bp),
        tax_rate_bp=version.tax_rate_bp,
    )
