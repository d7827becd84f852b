"""Wagtail's redirects answer a 404 where a portal page may have moved, and are not looked up in the staff
workspaces or the API (portal/middleware.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.redirects.models import Redirect

pytestmark = pytest.mark.django_db


def _redirect_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "wagtailredirects_redirect" in q["sql"]]


def test_a_moved_portal_page_redirects_to_its_new_address(client):
    Redirect.objects.create(old_path="/old-guides", redirect_link="/guides/", is_permanent=True)

    response = client.get("/old-guides/")

    assert response.status_code == 301
    assert response["Location"] == "/guides/"


@pytest.mark.parametrize("path", ["/counter/no-such-page", "/dept/no-such-page", "/api/no-such-call"])
def test_a_404_in_a_workspace_or_the_api_is_answered_without_looking_for_a_redirect(client, path):
    Redirect.objects.create(old_path=path, redirect_link="/elsewhere/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{path}/?page=2")

    assert response.status_code == 404
    assert _redirect_queries(queries.captured_queries) == []
