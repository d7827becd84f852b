"""The county map's template helpers (stations/templates/stations/_map.html):

{% county_station_map region %} the back office's wall map of `region` (its townships' outlines and the
stations the signed-in user sees there, by build status);
{{ map|map_json_script:"id" }} the map's data, as json_script writes it but compact (the outlines are most
of a map page's weight)."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from stations.selectors_map import county_map

register = template.Library()


@register.inclusion_tag("stations/_map.html", takes_context=True)
def county_station_map(context, region):
    return {"map": county_map(user=context["request"].user, region=region),
            "map_label": _("Map of the stations in %(region)s by build status") % {"region": region.name}}


# As django.utils.html.json_script: nothing in the data can close the <script> element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def map_json_script(value, element_id: str):
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return format_html('<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text))
