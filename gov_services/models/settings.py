"""The county settings' models (the screens: views_settings.py): the appeal routing-rule table (the pure
rules: routing.py; the adapter: selectors/routing.py) and the working-day calendar's exceptions (the clock:
gov_services/requests/deadlines.py; the cached calendar: selectors/calendar.py). Gathered with every feature's
models by gov_services/models/__init__.py."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gov_services.catalogue.models import Department
from gov_services.requests.models.requests import ServiceRequest
from stations.models import Region


class RoutingRule(models.Model):
    """Where appeals go: by category and (optionally) the region they come from. Most specific wins."""

    county = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="routing_rules",
                               limit_choices_to={"level": "county"}, verbose_name=_("county"))
    category = models.CharField(_("appeal category"), max_length=15, choices=ServiceRequest.AppealCategory.choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("from region"), help_text=_("Empty: anywhere in the county"))
    keyword = models.CharField(_("keyword"), max_length=30, blank=True,
                               help_text=_("Optional: match only appeals whose text contains it"))
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="routing_rules",
                                   verbose_name=_("department"))

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.get_category_display()} → {self.department}"


class CalendarDay(models.Model):
    """An exception to Monday–Friday: a public holiday, or a make-up working day (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        WORKDAY = "workday", _("Make-up working day")

    class Source(models.TextChoices):
        OFFICIAL = "official", _("State Council notice")
        COUNTY = "county", _("County adjustment")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=40)
    # Official days are loaded from the published calendar (services.calendar.calendar_year_load);
    # county days are the county's own adjustments, which a later load never overwrites.
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.COUNTY)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
