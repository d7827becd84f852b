"""Start-up system checks (run by `manage.py check`, runserver, migrate and the test runner)."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from core.pdf import harfbuzz_subset_available
from core.timeutil import COUNTY_TZ


@register("pdf")
def harfbuzz_subset_check(app_configs=None, **kwargs) -> list[Warning]:
    """Without libharfbuzz-subset WeasyPrint subsets CJK fonts with fontTools: ~8 s per certificate
    instead of ~0.13 s. Rendering still works, so only warn."""
    if harfbuzz_subset_available():
        return []
    return [Warning(
        "libharfbuzz-subset is missing: PDFs with Chinese text will render about 60 times slower.",
        hint="Install the Debian package libharfbuzz-subset0 (scripts/install-system-deps.sh --for base).",
        id="core.W001",
    )]


@register()
def county_time_zone_check(app_configs=None, **kwargs) -> list[Error]:
    """Django's local time (settings.TIME_ZONE) and the county's (core.timeutil.COUNTY_TZ) must be one zone,
    or a page's "today" and a deadline's day could differ around midnight."""
    if COUNTY_TZ.key == settings.TIME_ZONE:
        return []
    return [Error(
        f"settings.TIME_ZONE is {settings.TIME_ZONE!r} but the county keeps {COUNTY_TZ.key} (core/timeutil.py).",
        hint=f"Set TIME_ZONE = {COUNTY_TZ.key!r}.",
        id="core.E001",
    )]


@register()
def retention_codes_check(app_configs=None, **kwargs) -> list[Error]:
    """A misspelt rule code in PERSONAL_DATA_RETENTION_DAYS would silently keep that data for the default."""
    from core.retention import RULES

    unknown = sorted(set(settings.PERSONAL_DATA_RETENTION_DAYS) - set(RULES))
    if not unknown:
        return []
    return [Error(f"PERSONAL_DATA_RETENTION_DAYS names rules that do not exist: {', '.join(unknown)}.",
                  hint=f"Rules: {', '.join(sorted(RULES))} (code=days;code=days).", id="core.E002")]
