"""Grids and households through the browser, on a 375 px phone: a county admin sets up a grid with the
station's liaison, checks the demo household file (a dry run), imports it, and finds the grid's households
masked and one household in full; the liaison then opens the same household from the counter and, the family
having moved away, marks it as moved out (confirming the question), which starts its retention period."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from core.models import AuditEvent
from stations.models import Grid, Household
from tests.e2e.helpers import assert_fits, assert_ok, click_and_wait, path_of
from tests.factories import StaffAssignmentFactory, StationFactory, UserFactory

pytestmark = pytest.mark.e2e

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "data" / "households.csv"
PHONE = {"width": 375, "height": 800}


def test_a_county_admin_sets_up_a_grid_imports_its_households_and_the_liaison_sees_them(
    page, shot, sign_in, county_admin, tree
):
    station = StationFactory(village=tree["villages"][0], code="LT001", name="城关村综合服务站")
    liaison = UserFactory(roles=[Role.LIAISON], full_name="张淑珍", phone="13930000009")
    StaffAssignmentFactory(user=liaison, role="liaison", station=station)
    page.set_viewport_size(PHONE)

    sign_in(county_admin, step="01-sign-in")
    click_and_wait(page, page.locator("a[href='/county/grids/']").first, "the grid overview")
    click_and_wait(page, page.locator("a[href='/county/grids/new/']"), "the grid set-up")
    page.locator("select[name='station']").select_option(str(station.pk))
    click_and_wait(page, page.locator("select[name='station']").locator("xpath=ancestor::form").locator("[type='submit']"), "the grid form")
    page.locator("input[name='name']").fill("第一网格")
    page.locator("select[name='liaison']").select_option(str(liaison.pk))
    shot("02-grid-form")
    assert_fits(page)
    click_and_wait(page, page.locator("form[action='/county/grids/new/'] [type='submit']"), "the new grid")
    grid = Grid.objects.get(station=station)
    assert path_of(page) == f"/grids/{grid.pk}/" and grid.liaison == liaison

    # --- The import: a dry run, then the same file for real ---------------------------------------------
    assert_ok(page.goto("/county/households/import/"), "the import page")
    page.locator("input[name='file']").set_input_files(str(DEMO_FILE))
    click_and_wait(page, page.locator("form[enctype='multipart/form-data'] [type='submit']"), "the check")
    expect(page.locator("#preview-title")).to_be_visible()
    shot("03-preview")
    assert_fits(page)
    assert not Household.objects.exists()
    click_and_wait(page, page.locator("form[action$='/apply/'] [type='submit']"), "the import")
    expect(page.locator("#result-title")).to_be_visible()
    assert Household.objects.filter(grid=grid).count() == 56
    shot("04-imported")

    # --- The grid masked, a household in full ------------------------------------------------------------
    assert_ok(page.goto(f"/grids/{grid.pk}/"), "the grid")
    household = Household.objects.get(grid=grid, house_number="一-001")
    table = page.locator("table")
    expect(table).to_contain_text("吕*成")
    expect(table).not_to_contain_text(household.phone)
    shot("05-grid-masked")
    assert_fits(page)
    click_and_wait(page, page.locator(f"a[href='/households/{household.pk}/']"), "the household")
    expect(page.locator("table")).to_contain_text(household.members.first().id_number)
    shot("06-household-full")
    assert_fits(page)
    assert AuditEvent.objects.filter(action="household.viewed", actor=county_admin).count() == 1

    # --- The liaison, from the counter -------------------------------------------------------------------
    page.context.clear_cookies()
    sign_in(liaison, step="07-liaison-sign-in")
    assert path_of(page) == "/counter/"
    click_and_wait(page, page.locator(f"a[href='/grids/{grid.pk}/']"), "the liaison's grid")
    click_and_wait(page, page.locator(f"a[href='/households/{household.pk}/']"), "the household")
    expect(page.locator("a[href$='/edit/']")).to_be_visible()
    assert AuditEvent.objects.filter(action="household.viewed", actor=liaison).count() == 1

    page.once("dialog", lambda dialog: dialog.accept())
    click_and_wait(page, page.locator("form[action$='/left/'] [type='submit']"), "marking it moved out")
    expect(page.locator("[data-household-left]")).to_be_visible()
    expect(page.locator(".cz-messages, [role='status']").first).to_contain_text("已登记迁出")
    shot("08-household-moved-out")
    assert_fits(page)
    household.refresh_from_db()
    assert household.left_at is not None and AuditEvent.objects.filter(action="household.left", actor=liaison).count() == 1
