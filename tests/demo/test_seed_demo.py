"""seed_demo builds the demo county, prints every login, and a second run changes nothing; every printed
login lands on its own workspace. Seeding takes seconds, so the module seeds once (tests/module_db.py)
and each test reads the seeded county in a savepoint of its own."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import User
from accounts.roles import Role
from gov_services.models import ServiceItem, ServiceRequest
from stations.demo import DEMO_PASSWORD
from stations.models import Region, Station
from tests.module_db import module_transaction

# The ones that landed elsewhere before (the merchant on a 403, the editors on "my requests").
EXPECTED = {"merchant": "/shop/dashboard/", "county_finance": "/county/", "editor": "/cms/", "moderator": "/cms/"}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """What the first `seed_demo` printed, with the county it built (rolled back after the module)."""
    with module_transaction(django_db_blocker):
        out = StringIO()
        with django_db_blocker.unblock():
            call_command("seed_demo", stdout=out)
        yield out.getvalue()


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label in {"core", "accounts", "stations", "gov_services", "partner", "catalogue",
                                         "wagtailcore"}
            and model._meta.managed and not model._meta.proxy}


@pytest.mark.django_db
def test_seed_demo_builds_the_county_prints_every_login_and_a_second_run_changes_nothing(seeded):
    printed = seeded

    levels = list(Region.objects.values_list("level", flat=True))
    assert levels.count("city") == 1 and levels.count("county") == 1
    assert levels.count("township") >= 4 and levels.count("village") + levels.count("community") >= 20
    assert Station.objects.count() >= 20
    assert {s.tier for s in Station.objects.all()} == set(Station.Tier.values)
    # Every status of the wall map; a closed station is off the map (and out of the public directory).
    assert {s.status for s in Station.objects.all()} == set(Station.Status.values) - {Station.Status.CLOSED}

    for role in Role:
        if role != Role.RESIDENT:
            assert User.objects.filter(groups__name=role.value).exists(), role
    for username in ["county_admin", "township_admin", "operator", "liaison", "officer", "merchant",
                     "editor", "resident", "admin"]:
        assert username in printed
        assert User.objects.get(username=username).check_password("cunzhan-demo")
    assert "100%" in printed  # the progress bar reached the end

    assert ServiceItem.objects.count() >= 40
    statuses = set(ServiceRequest.objects.values_list("status", flat=True))
    assert statuses >= {"submitted", "accepted", "under_review", "returned", "completed", "rated", "closed"}
    assert ServiceRequest.objects.filter(kind="appeal").exists()

    before = _row_counts()
    call_command("seed_demo", stdout=StringIO())
    assert _row_counts() == before


@pytest.mark.django_db
def test_every_printed_demo_login_lands_on_its_own_workspace(seeded, client):
    logins = re.findall(r"^  (.+?)\s+(\S+)\s+→ (\S+)", seeded, re.MULTILINE)
    assert len(logins) >= 12 and set(EXPECTED) <= {username for _role, username, _where in logins}
    for _role, username, landing in logins:
        client.logout()
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert response.url == landing == EXPECTED.get(username, landing), (username, response.url)
        assert client.get(landing).status_code == 200, (username, landing)
    merchant = User.objects.get(username="merchant")
    assert merchant.roles == {Role.MERCHANT} and merchant.partners.get().name == "乐亭县绿源农产品合作社"
    # No staff account was handed a shop.
    assert not User.objects.filter(partners__isnull=False, groups__name__in=[
        Role.OFFICER, Role.OPERATOR, Role.LIAISON, Role.TOWNSHIP_ADMIN, Role.COUNTY_ADMIN]).exists()
