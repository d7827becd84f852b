"""A report's parameters over a period: what its page's filters chose, serialised for a report job and
written back into the page's query string."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, replace
from typing import Self
from urllib.parse import urlencode

from reports.selectors.dimensions import Period


@dataclass(frozen=True)
class PeriodParams:
    """The period (from, to: local dates) that every report's parameters start with; a report adds its own."""

    date_from: datetime.date
    date_to: datetime.date

    @property
    def period(self) -> Period:
        return Period(self.date_from, self.date_to)

    def as_dict(self) -> dict:
        """JSON-able (a report job stores it); `from_dict` reads it back."""
        return asdict(self) | {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}

    @classmethod
    def from_dict(cls, data: dict) -> Self:
        return cls(**(data | {"date_from": datetime.date.fromisoformat(data["date_from"]),
                              "date_to": datetime.date.fromisoformat(data["date_to"])}))

    def query(self, **changes) -> str:
        """The page's query string for these parameters with `changes` applied (None drops a filter)."""
        params = replace(self, **changes).as_dict()
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})
