"""Commission report figures as pure arithmetic (no ORM): the sums come from reports/selectors/commission_sums.py.

Over a period (journals *posted* in it, Beijing time, as the monthly statements count them) and a scope,
for the till's commission-earning transactions (bill payments and provider services, and store order
commissions):

* transactions      payments posted;        volume   their amounts (provider services only: the
                                                      agency does not know a store order's value);
* reversals         reversals posted;       reversed volume   their amounts;
* gross commission  the commission of the payments, all tiers together;
* clawbacks         the commission taken back by the reversals (a reversal is clawed back in the
                    month it is posted, as the statements do);
* tax withheld      from the operator's share, net of the tax given back on reversals;
* net               gross − clawbacks − tax;
* by tier           what the operator, the township, the county and the platform kept
                    (their shares after clawbacks, before tax): the four add up to gross − clawbacks;
* statements        the monthly statements of the stations and months concerned, by status, and the
                    net commission of those already paid.

All money is integer fen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

TIERS = ("operator", "township", "county", "platform")


@dataclass(frozen=True)
class CommissionFigures:
    transactions: int = 0
    volume_fen: int = 0
    reversals: int = 0
    reversed_volume_fen: int = 0
    gross_fen: int = 0
    clawback_fen: int = 0
    tax_fen: int = 0
    operator_fen: int = 0
    township_fen: int = 0
    county_fen: int = 0
    platform_fen: int = 0
    statements_generated: int = 0
    statements_approved: int = 0
    statements_paid: int = 0
    paid_net_fen: int = 0

    @property
    def net_fen(self) -> int:
        return self.gross_fen - self.clawback_fen - self.tax_fen

    @property
    def operator_net_fen(self) -> int:
        """The operator's share after tax: what the station's statements pay out."""
        return self.operator_fen - self.tax_fen

    @property
    def tiers(self) -> dict[str, int]:
        return {tier: getattr(self, f"{tier}_fen") for tier in TIERS}

    @property
    def statements(self) -> int:
        return self.statements_generated + self.statements_approved + self.statements_paid

    def __add__(self, other: CommissionFigures) -> CommissionFigures:
        return CommissionFigures(**{name: getattr(self, name) + getattr(other, name) for name in FIELD_NAMES})


FIELD_NAMES = tuple(f.name for f in fields(CommissionFigures))


def figures_from_sums(*parts: dict) -> CommissionFigures:
    """CommissionFigures from dicts of sums by field name (missing or NULL = 0; later dicts win)."""
    merged: dict = {}
    for part in parts:
        merged.update({k: v for k, v in part.items() if k in FIELD_NAMES})
    return CommissionFigures(**{name: int(merged.get(name) or 0) for name in FIELD_NAMES})


def total_of(figures: Iterable[CommissionFigures]) -> CommissionFigures:
    """The sum of rows that split the same journals (each journal lies in exactly one row)."""
    total = CommissionFigures()
    for row in figures:
        total = total + row
    return total
