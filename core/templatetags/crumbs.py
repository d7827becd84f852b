"""`{% crumbs %}`: a page's breadcrumbs in one line, rendered by templates/includes/breadcrumbs.html.

    {% load crumbs %}
    {% crumbs _("Back office") "stations:county-home" _("Requests") "gov_services:county-request-list" sr.code_display %}

The arguments are (label, link) pairs, then the label of the page itself. A link is a namespaced URL name
("app:name", reversed without arguments) or an address, e.g. one from `{% url 'app:x' pk as x_url %}` just
before.
"""

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("includes/breadcrumbs.html")
def crumbs(*args) -> dict:
    if len(args) % 2 != 1:
        raise template.TemplateSyntaxError("crumbs takes (label, link) pairs, then the page's own label")
    *pairs, here = args
    links = [str(link) for link in pairs[1::2]]
    return {"crumbs": [(label, reverse(link) if _is_url_name(link) else link)
                       for label, link in zip(pairs[::2], links, strict=True)],
            "here": here}


def _is_url_name(link: str) -> bool:
    return ":" in link and not link.startswith(("/", "?", "#", "http:", "https:"))
