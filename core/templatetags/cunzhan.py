"""Small template helpers shared by every app's templates: `{% load cunzhan %}`.

Deliberately generic (core imports no domain app): a range check, a dict lookup,
a column maximum and a prefix test.
"""

from django import template

register = template.Library()


@register.filter
def outside_range(value, bounds) -> bool:
    """True when `value` lies outside the inclusive (low, high) `bounds`.

    `bounds` is a 2-tuple (e.g. `grid.RECOMMENDED_HOUSEHOLDS`) or a "low,high" string.
    A missing value is not "outside" anything.
    """
    if value is None or value == "":
        return False
    if isinstance(bounds, str):
        low, high = (int(part) for part in bounds.split(","))
    else:
        low, high = bounds
    return not (low <= value <= high)


@register.filter
def lookup(mapping, key):
    """`mapping[key]`, or "" when absent: `{{ totals|lookup:value }}`."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return ""


@register.filter
def max_of(rows, key) -> int:
    """The largest `row[key]` in a list of dicts (0 for an empty list)."""
    return max((row[key] for row in rows), default=0)


@register.filter
def startswith(text, prefix) -> bool:
    return str(text).startswith(str(prefix))


@register.filter
def status_label(obj, value):
    """The label of `value` in the nested `Status` choices of obj's model (e.g. a Station's),
    or `value` itself when there is none: `{{ station|status_label:event.data.to }}`."""
    status = getattr(type(obj), "Status", None)
    try:
        return status(value).label
    except (TypeError, ValueError):
        return value
