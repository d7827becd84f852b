"""{% county_station_map region %}: the back office's wall map of `region` (its townships' outlines and the
stations the signed-in user sees there, by build status) — stations/templates/stations/_map.html."""

from django import template
from django.utils.translation import gettext as _

from stations.selectors_map import county_map

register = template.Library()


@register.inclusion_tag("stations/_map.html", takes_context=True)
def county_station_map(context, region):
    return {"map": county_map(user=context["request"].user, region=region),
            "map_label": _("Map of the stations in %(region)s by build status") % {"region": region.name}}
