"""Display helpers of the till's set-up pages: `{% load agency_setup %}` then `{{ version.rate_bp|percent }}`."""

from django import template

from agency.services.setup_rows import format_percent

register = template.Library()


@register.filter
def percent(bp) -> str:
    """Basis points as a percentage: 250 → "2.5%" ("" for anything that is not a whole number)."""
    if isinstance(bp, bool) or not isinstance(bp, int):
        return ""
    return f"{format_percent(bp)}%"
