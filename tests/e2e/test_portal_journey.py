"""A resident finds a guide by searching in Chinese and goes on to apply online."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.e2e.helpers import assert_ok, path_of
from tests.factories import RequiredMaterialFactory, ServiceItemFactory, UserFactory
from tests.portal.factories import guide_index, make_guide, portal_home

pytestmark = pytest.mark.e2e


@pytest.fixture
def subsistence_guide(department):
    """最低生活保障申请, online, with its guide; residents call it 低保 (a keyword)."""
    item = ServiceItemFactory(department=department, code="LT-MZJ-01", name="最低生活保障申请",
                              online_allowed=True, lowest_level="village", form_schema=[])
    RequiredMaterialFactory(item=item, name="户口簿", form="scan", required=True, position=1)
    return make_guide(guide_index(portal_home()), item, summary="家庭收入低于低保标准的可以申请",
                      search_keywords="低保 救济")


def test_resident_searches_dibao_opens_the_guide_and_goes_on_to_apply_online(page, shot, sign_in,
                                                                              subsistence_guide):
    resident = UserFactory(username="13800138000", roles=[Role.RESIDENT])
    sign_in(resident)

    assert_ok(page.goto("/"), "portal home")
    search = page.locator("form[role='search']").first
    search.locator("input[name='q']").fill("低保")
    shot("01-search")
    with page.expect_navigation():
        search.locator("[type='submit']").click()
    assert path_of(page) == "/search/"

    result = page.locator(f"a[href='{subsistence_guide.url}']").first
    expect(result).to_contain_text("最低生活保障申请")
    shot("02-results")
    with page.expect_navigation():
        result.click()
    assert path_of(page) == subsistence_guide.url
    expect(page.locator("main")).to_contain_text("户口簿")  # materials, from the catalogue
    shot("03-guide")

    apply = page.locator("a[href='/services/LT-MZJ-01/apply/']")
    expect(apply).to_be_visible()
    with page.expect_navigation():
        apply.click()
    assert path_of(page) == "/services/LT-MZJ-01/apply/"
    expect(page.locator("form input[name='applicant_name']")).to_be_visible()
    shot("04-apply-form")
