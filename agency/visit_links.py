"""A counter page used inside a visit (agency's Visit): the visit's id and the page to go back to travel
with the form (`visit`, `next`) through every step, and what the page did is added to the visit as an
errand. The visit's own screen lies above every app (it reads them all): it sends the operator to an
app's page with ?visit=<id>&next=<its URL>, and the app sends them back to `next` — no app links upward
by URL name. gov_services and shop use these too (one copy)."""

from __future__ import annotations

from urllib.parse import urlencode

from agency.selectors import access_open_visit_for_till
from core.http import safe_next


def visit_of(request):
    """The open visit the page was opened for (?visit= or the form's `visit`), or None."""
    return access_open_visit_for_till(user=request.user, visit_id=request.POST.get("visit") or
                                      request.GET.get("visit"))


def next_url(request, default: str) -> str:
    """Where to go after the form: `next` when it is a page of this site, else `default`."""
    return safe_next(request, request.POST.get("next") or request.GET.get("next")) or default


def visit_context(request) -> dict:
    """For the templates: the visit (banner, hidden fields), where `next` points, and the query string
    that carries both to the next page of the flow (empty outside a visit)."""
    visit = visit_of(request)
    back = next_url(request, "") if visit else ""
    return {"visit": visit, "visit_next": back,
            "visit_query": urlencode({"visit": visit.pk, "next": back}) if visit else ""}
