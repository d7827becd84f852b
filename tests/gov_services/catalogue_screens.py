"""Helpers for the catalogue screen tests (test_catalogue_browse_views.py, test_catalogue_edit_views.py,
test_catalogue_import_export_views.py): the e-form of the `catalogue` fixture (conftest.py), URLs, signing in."""

from django.urls import reverse

SCHEMA = [{"name": "purpose", "type": "choice", "label": "用途", "required": True,
           "choices": [["job", "就业"], ["school", "入学"]]}]


def url(name, *args):
    return reverse(f"gov_services:{name}", args=args)


def login(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # messages are asserted by their English msgids
    return client
