"""The drill-down every report table shares: a row links to the report one level below it, filtered by
the row's value. Each report says which levels follow which (its NEXT_LEVELS); the links are built here."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Mapping

from core.timeutil import month_end, parse_month


def next_level(levels: Mapping[str, tuple[str, ...]], group: str, allowed: Collection[str]) -> str | None:
    """The first level below `group` that the reader may group by (None at the bottom)."""
    return next((g for g in levels.get(group, ()) if g in allowed and g != group), None)


def row_filter(group: str, value: str, date_from: datetime.date, date_to: datetime.date) -> dict:
    """The filter a row sets on the level below: a month row narrows the period to that month (within the
    report's own period); any other row filters by its value."""
    if group == "month":
        first = parse_month(value)
        return {"date_from": max(first, date_from), "date_to": min(month_end(first), date_to)}
    return {group: value}


def drill_query(query: Callable[..., str], *, levels: Mapping[str, tuple[str, ...]], group: str, value,
                allowed: Collection[str], date_from: datetime.date, date_to: datetime.date) -> str | None:
    """"?…": the report's own query string (`query(**changes)`) one level below a row of `group` with `value`,
    filtered by the row; None for a row without a value or at the bottom."""
    following = next_level(levels, group, allowed)
    if value is None or following is None:
        return None
    return "?" + query(group=following, **row_filter(group, value, date_from, date_to))
