"""Small pieces every selector's list shares."""

from __future__ import annotations

from django.db.models import QuerySet


def narrowed(queryset: QuerySet, **lookups) -> QuerySet:
    """`queryset` filtered by each lookup whose value is given (a list's optional filters: None, "", 0 and
    False leave it out). Only for lookups along single-valued relations, where one filter() of them all is
    the same as one filter() each."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return queryset.filter(**given) if given else queryset
