"""Wagtail's redirects (editors add them in the CMS when a portal page moves), looked up only where a
portal page could have been.

Wagtail's middleware looks for a redirect on every 404 anywhere on the site: a site query and a redirect
query, twice when the address has a query string or non-ASCII characters. A 404 in a staff workspace
(a foreign or missing id, which the access rules answer with 404 on purpose) or in the API is never a
moved portal page, so those are answered without the look-ups.
"""

from __future__ import annotations

from functools import cache

from django.urls import reverse
from wagtail.contrib.redirects.middleware import RedirectMiddleware

from accounts.middleware import staff_path_prefixes


@cache
def _never_redirected() -> tuple[str, ...]:
    api_root = reverse("api:openapi-json").rpartition("/")[0] + "/"
    return (*staff_path_prefixes(), api_root)


class PortalRedirectMiddleware(RedirectMiddleware):
    def process_response(self, request, response):
        if response.status_code == 404 and request.path.startswith(_never_redirected()):
            return response
        return super().process_response(request, response)
