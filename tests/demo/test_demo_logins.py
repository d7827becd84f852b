"""Every login seed_demo prints lands, after signing in, on the first page printed beside it: that
role's own workspace, which answers 200."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from accounts.roles import Role
from demo.seeding.people import DEMO_PASSWORD

# The ones that landed elsewhere before (the merchant on a 403, the editors on "my requests").
EXPECTED = {"merchant": "/shop/dashboard/", "county_finance": "/county/", "editor": "/cms/", "moderator": "/cms/"}


@pytest.mark.django_db
def test_every_printed_demo_login_lands_on_its_own_workspace(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    logins = re.findall(r"^  (.+?)\s+(\S+)\s+→ (\S+)", out.getvalue(), re.MULTILINE)
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
