"""System checks of gov_services (run by `manage.py check`, runserver and migrate)."""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register(Tags.database)
def calendar_year_check(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    """From November, warn when next year's working-day calendar is empty: every deadline that runs
    past New Year would count the Spring Festival holidays as working days.

    A database check (Django runs those on `migrate` and `manage.py check --database default`, never
    while the database may be out of reach, e.g. when Celery validates the models)."""
    from gov_services.selectors.calendar import calendar_year_missing

    if not databases or "default" not in databases:
        return []
    try:
        year = calendar_year_missing(today=timezone.localdate())
    except DatabaseError:  # no database yet, or not migrated: nothing to check
        return []
    if year is None:
        return []
    return [Warning(
        f"The working-day calendar has no days for {year}: deadlines after New Year will count its public "
        "holidays as working days.",
        hint=f"Load the official {year} calendar on /county/calendar/?year={year}, or upgrade chinesecalendar "
             "if it does not know the year yet.",
        id="gov_services.W001",
    )]
