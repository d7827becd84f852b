"""First journeys through the browser: the portal's language switch, and each staff role's sign-in."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.e2e.helpers import CJK, assert_ok, chrome_text, has_cjk, html_lang, path_of, switch_language
from tests.factories import StaffAssignmentFactory, StationFactory, UserFactory
from tests.portal.factories import portal_home

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_stations(tree):
    """Two stations in different townships, with names neither of which contains the other."""
    return (
        StationFactory(village=tree["villages"][0], name="东风村便民服务站"),
        StationFactory(village=tree["villages"][-1], name="西山村综合服务站"),
    )


@pytest.fixture
def east_operator(two_stations):
    user = UserFactory(username="operator-east", full_name="王站长", roles=[Role.OPERATOR])
    StaffAssignmentFactory(user=user, role="operator", station=two_stations[0])
    return user


def test_resident_reads_the_portal_in_chinese_and_switches_to_english_and_back(page, shot, db):
    portal_home()  # the home page, also when an earlier browser test has flushed the database
    assert_ok(page.goto("/"), "portal home")
    assert html_lang(page) == "zh-hans"
    heading = page.locator("h1").first
    expect(heading).to_be_visible()
    assert has_cjk(heading.inner_text()), f"the heading is not Chinese: {heading.inner_text()!r}"
    chinese_chrome = chrome_text(page)
    assert has_cjk(chinese_chrome), f"the header/navigation is not Chinese: {chinese_chrome!r}"
    shot("01-home-zh")

    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert path_of(page) == "/", "the language switch should bring the resident back to the same page"
    english_chrome = chrome_text(page)
    assert len(CJK.findall(english_chrome)) < len(CJK.findall(chinese_chrome)), (
        f"the header/navigation did not turn English: {english_chrome!r}"
    )
    shot("02-home-en")

    assert_ok(page.goto("/"), "portal home, second visit")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the choice is remembered

    switch_language(page, "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert chrome_text(page) == chinese_chrome
    shot("03-home-zh-again")


def test_operator_signs_in_and_sees_their_own_station_only(page, shot, sign_in, east_operator, two_stations):
    own, other = two_stations

    landing = sign_in(east_operator)

    assert path_of(page) == "/counter/", f"signed in, but landed on {page.url}"
    assert_ok(landing, "counter home")
    expect(page.locator("body")).to_contain_text(own.name)
    assert other.name not in page.locator("body").inner_text(), "the counter shows another station"
    shot("02-counter")


def test_county_admin_signs_in_and_lands_on_the_county_platform(page, shot, sign_in, county_admin, tree):
    landing = sign_in(county_admin)

    assert path_of(page) == "/county/", f"signed in, but landed on {page.url}"
    assert_ok(landing, "county home")
    assert html_lang(page) == "zh-hans"
    expect(page.locator("body")).to_contain_text(tree["county"].name)
    shot("02-county")
