"""gov_services' items for the county home's "needs action" list (stations.attention)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gov_services.selectors.calendar import calendar_year_missing
from stations.attention import Attention


def calendar_attention(scope, region):
    """From November, county admins are told when next year's working-day calendar is still empty."""
    if not scope.is_county_admin:
        return []
    year = calendar_year_missing(today=timezone.localdate())
    if year is None:
        return []
    url = f"{reverse('gov_services:calendar-day-list')}?year={year}"
    label = _("Set up the %(year)s holiday calendar: deadlines after New Year depend on it") % {"year": year}
    return [Attention(label=label, url=url, urgent=True)]
