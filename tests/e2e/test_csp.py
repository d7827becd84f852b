"""The Content-Security-Policy in a real browser: the main pages of every workspace — ours, Oscar's
storefront and dashboard, Wagtail's admin, Django's admin, the API docs — load with no violation
reported on the console (Chromium reports each blocked script, style, image, frame or connection
there), and with no script error."""

import pytest

from tests.e2e.helpers import assert_ok
from tests.portal.factories import portal_home
from tests.shop import factories

pytestmark = pytest.mark.e2e

PAGES = {
    "anonymous": ["/", "/services/", "/track/", "/verify/", "/login/", "/shop/catalogue/", "{product}",
                  "/shop/basket/", "/api/docs"],
    "resident": ["/me/requests/", "/me/certificates/", "/shop/accounts/"],
    "operator": ["/counter/", "/counter/requests/new/", "/counter/till/", "/counter/till/close/",
                 "/counter/sales/new/", "/counter/parcels/"],
    "officer": ["/dept/"],
    "county_admin": ["/county/", "/county/requests/", "/county/supervision/", "/county/catalogue/",
                     "/county/reports/", "/county/statements/", "/county/merchants/", "/county/stations/"],
    "merchant": ["/merchant/", "/merchant/products/", "/merchant/products/new/", "/merchant/orders/",
                 "/merchant/statements/"],
    "superuser": ["/cms/", "/cms/pages/", "/cms/pages/{home}/edit/", "/cms/images/", "/admin/",
                  "/admin/accounts/user/", "/shop/dashboard/catalogue/products/{product_id}/"],
}


@pytest.fixture
def world(tree, station, operator, officer, county_admin, resident, superuser, request_item):
    merchant = factories.merchant(name="乐亭绿源合作社", townships=[tree["townships"][0]])
    product = factories.product(merchant.partner, title="农家土鸡蛋", price="36.00")
    return {"anonymous": None, "resident": resident, "operator": operator, "officer": officer,
            "county_admin": county_admin, "merchant": merchant.partner.users.get(), "superuser": superuser,
            "paths": {"product": product.get_absolute_url(), "product_id": product.pk, "home": portal_home().pk}}


@pytest.mark.parametrize("who", list(PAGES))
def test_the_main_pages_of_each_workspace_load_without_a_csp_violation(page, sign_in, world, who):
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    if world[who] is not None:
        sign_in(world[who])
    for path in PAGES[who]:
        url = path.format(**world["paths"])
        response = page.goto(url, wait_until="networkidle")
        assert_ok(response, url)
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in response.headers
        assert problems == [], f"{who} at {url}: {problems}"
