"""System checks of gov_services (run by `manage.py check`, runserver and migrate)."""

from django.core.checks import Error, Tags, Warning, register
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


@register("sms")
def sms_templates_check(app_configs=None, **kwargs) -> list[Error]:
    """With a real SMS gateway (core/sms_gateways.py), every county must have an approved template for
    every purpose the platform sends (core/sms/), and the purposes about no place a platform-wide one:
    a message without one would be refused at send time. The console, outbox and simulator backends
    use the built-in templates, so nothing is missing there.

    Not a database-tagged check: `manage.py check` must list the gaps. It reads the database only with
    a real gateway configured, and says nothing while there is no database (yet)."""
    from core.sms import purpose_label, sms_gateway_is_real, sms_templates_missing
    from stations.models import Region

    if not sms_gateway_is_real():
        return []
    try:
        counties = dict(Region.objects.filter(level=Region.Level.COUNTY).values_list("path", "name"))
        missing = sms_templates_missing(county_paths=sorted(counties))
    except DatabaseError:
        return []
    if not missing:
        return []
    pairs = "; ".join(f"{counties.get(path, 'platform-wide') if path else 'platform-wide'}: {purpose} "
                      f"({purpose_label(purpose)})" for path, purpose in missing)
    return [Error(
        f"{len(missing)} SMS purposes have no approved gateway template: {pairs}.",
        hint="A county admin records each template the gateway approved on /county/sms/templates/ (the "
             "platform-wide ones: a superuser); until then use SMS_<PROVIDER>_ENDPOINT=simulator.",
        id="gov_services.E010",
    )]
