"""A county adopts Cunzhan, from an empty database, through the browser only.

`createsuperuser` makes the one account there is; the superuser opens the county and its first county admin;
the county admin imports the regions and stations from the demo's spreadsheets, adds a department with an
officer, gives a station an operator and a liaison, sets up a grid and imports its households, adds a
service to the catalogue, imports the till's providers, plans and products and loads the calendar. Then
the operator files a request that reaches that officer, takes an electricity bill whose commission follows
the imported plan, and the county's commission report shows it."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from agency.models import CommissionPlan, CounterTransaction, Product, Provider
from gov_services.models import CalendarDay, Department, ServiceItem, ServiceRequest
from stations.models import Grid, Household, Region, Station
from tests.agency.factories import account_number
from tests.e2e.helpers import assert_ok, click_and_wait, path_of, sign_on_pad, sign_out
from tests.factories import valid_id_number

pytestmark = pytest.mark.e2e

DEMO_DATA = Path(__file__).resolve().parents[2] / "demo" / "data"
ROOT_PASSWORD = "root-pass-2026-county"
ADMIN_PASSWORD = "county-admin-pass-2026"
STATION_CODE = "LT001"
ACCOUNT = account_number(42)  # a valid 10-digit State Grid customer number


def _no_errors(page, what: str) -> None:
    errors = page.locator(".cz-error-summary, #error-summary, .errorlist")
    assert errors.count() == 0, f"{what}: {errors.all_inner_texts()}"


def _sign_in(page, username: str, password: str, what: str):
    assert_ok(page.goto("/login/"), "the sign-in page")
    form = page.locator("form:has(input[name='username'])")
    form.locator("input[name='username']").fill(username)
    form.locator("input[name='password']").fill(password)
    return click_and_wait(page, form.locator("[type='submit']").first, what)


def _import(page, url: str, file: Path, what: str) -> None:
    """Check the file (nothing written), then apply the check."""
    assert_ok(page.goto(url), what)
    page.locator("input[name='file']").set_input_files(str(file))
    click_and_wait(page, page.locator("form[enctype='multipart/form-data'] [type='submit']").first, f"checking {what}")
    apply = page.locator("main form[method='post']:not([enctype]):not([action*='logout']) [type='submit']")
    expect(apply.first, f"{what}: the check offers no apply button").to_be_visible()
    click_and_wait(page, apply.first, f"applying {what}")
    _no_errors(page, what)


def _one_time_password(page) -> str:
    shown = page.locator("[data-initial-password]")
    expect(shown).to_have_count(1)
    return shown.inner_text().strip()


def test_a_county_sets_itself_up_from_an_empty_database_and_its_first_visit_is_served(
    page, shot, private_files, monkeypatch
):
    assert not Region.objects.exists() and not Station.objects.exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", ROOT_PASSWORD)
    call_command("createsuperuser", interactive=False, username="root", email="root@county.example.cn")

    _open_the_county(page, shot)
    _sign_in(page, "lt-admin", ADMIN_PASSWORD, "the county admin's sign-in")
    assert path_of(page) == "/county/", f"the county admin landed on {page.url}"
    shot("03-county-home")

    _import(page, "/county/regions/import/", DEMO_DATA / "regions.csv", "the regions")
    assert Region.objects.filter(name="城关村").exists()
    _import(page, "/county/stations/import/", DEMO_DATA / "stations.csv", "the stations")
    station = Station.objects.get(code=STATION_CODE)
    officer = _add_a_department_with_an_officer(page, shot)
    operator = _staff_the_station(page, shot, station)
    _set_up_a_grid_and_households(page, shot, station)
    item = _add_a_catalogue_item(page, shot)
    _set_up_the_till(page, shot)
    _load_the_calendar(page, shot)
    sign_out(page)

    code = _operator_files_a_request(page, shot, operator, item)
    _operator_asks_for_float(page, operator)
    sign_out(page)
    _sign_in(page, officer[0], officer[1], "the officer's sign-in")
    _officer_sees_the_request(page, shot, code)
    sign_out(page)
    _sign_in(page, "lt-admin", ADMIN_PASSWORD, "the county admin again")
    _approve_the_top_up(page)
    sign_out(page)
    _sign_in(page, operator[0], operator[1], "the operator again")
    reference = _operator_takes_an_electricity_bill(page, shot)
    sign_out(page)
    _sign_in(page, "lt-admin", ADMIN_PASSWORD, "the county admin, for the report")
    _commission_report_shows_it(page, shot, reference)


def _open_the_county(page, shot) -> None:
    """The superuser, on an empty platform, is led to open the first county and its first county admin."""
    _sign_in(page, "root", ROOT_PASSWORD, "the superuser's sign-in")
    assert path_of(page) == "/county/counties/", f"the superuser landed on {page.url}"
    shot("01-superuser-home")
    click_and_wait(page, page.locator("a[href='/county/counties/new/']").first, "opening a county")
    form = page.locator("main form[method='post']:has(input[name='county_code'])")
    for name, value in (("county_code", "130225"), ("county_name", "乐亭县"), ("city_name", "唐山市"),
                        ("username", "lt-admin"), ("full_name", "孙立新"), ("phone", "13931990001"),
                        ("password", ADMIN_PASSWORD)):
        form.locator(f"input[name='{name}']").fill(value)
    shot("02-open-county")
    click_and_wait(page, form.locator("[type='submit']").first, "opening the county")
    _no_errors(page, "opening the county")
    assert path_of(page) == "/county/counties/"
    expect(page.locator("main")).to_contain_text("乐亭县")
    sign_out(page)


def _add_a_department_with_an_officer(page, shot) -> tuple[str, str]:
    assert_ok(page.goto("/county/setup/departments/new/"), "a new department")
    county = Region.objects.get(name="乐亭县")
    page.locator("input[name='code']").fill("LT-MZJ")
    page.locator("input[name='name']").fill("县民政局")
    page.locator("select[name='level']").select_option("county")
    page.locator("select[name='region']").select_option(str(county.pk))
    click_and_wait(page, page.locator("main form[method='post'] [type='submit']").first, "saving the department")
    _no_errors(page, "the department")
    department = Department.objects.get(code="LT-MZJ")
    assert path_of(page) == f"/county/setup/departments/{department.pk}/"
    form = page.locator("form[action$='/members/']")
    form.locator("input[name='full_name']").fill("赵春花")
    form.locator("input[name='phone']").fill("13931990002")
    click_and_wait(page, form.locator("[type='submit']").first, "adding the officer")
    password = _one_time_password(page)
    shot("04-department-officer")
    return "13931990002", password


def _staff_the_station(page, shot, station) -> tuple[str, str]:
    people = {}
    for role, name, phone in (("operator", "王秀英", "13931990003"), ("liaison", "张淑珍", "13931990004")):
        assert_ok(page.goto(f"/county/stations/{station.pk}/"), "the station")
        form = page.locator(f"form[action='/county/stations/{station.pk}/staff/']")
        form.locator("select[name='role']").select_option(role)
        form.locator("input[name='full_name']").fill(name)
        form.locator("input[name='phone']").fill(phone)
        click_and_wait(page, form.locator("[type='submit']").first, f"adding the {role}")
        people[role] = (phone, _one_time_password(page))
    shot("05-station-staff")
    return people["operator"]


def _set_up_a_grid_and_households(page, shot, station) -> None:
    assert_ok(page.goto("/county/grids/new/"), "the grid set-up")
    page.locator("select[name='station']").select_option(str(station.pk))
    click_and_wait(page, page.locator("select[name='station']").locator("xpath=ancestor::form").locator("[type='submit']"),
        "the grid form")
    page.locator("input[name='name']").fill("第一网格")
    page.locator("select[name='liaison']").select_option(index=1)
    click_and_wait(page, page.locator("form[action='/county/grids/new/'] [type='submit']"), "the new grid")
    grid = Grid.objects.get(station=station)
    assert grid.liaison is not None
    _import(page, "/county/households/import/", DEMO_DATA / "households.csv", "the households")
    assert Household.objects.filter(grid=grid).count() == 56
    shot("06-households")


def _add_a_catalogue_item(page, shot) -> ServiceItem:
    """户籍证明 of 县民政局, accepted down to village stations, with one paper material."""
    assert_ok(page.goto("/county/catalogue/new/"), "a new catalogue item")
    form = page.locator("form[method='post']:has(input[name='code'])")
    form.locator("input[name='code']").fill("LT-MZJ-01")
    form.locator("input[name='name']").fill("低保申请")
    form.locator("select[name='department']").select_option(str(Department.objects.get(code="LT-MZJ").pk))
    form.locator("select[name='category']").select_option("public_service")
    form.locator("select[name='lowest_level']").select_option("village")
    for name, value in (("legal_limit_days", "20"), ("promised_limit_days", "10")):
        form.locator(f"input[name='{name}']").fill(value)
    shot("07-catalogue-item")
    click_and_wait(page, form.locator("[type='submit']").first, "saving the item")
    _no_errors(page, "the catalogue item")
    return ServiceItem.objects.get(code="LT-MZJ-01")


def _set_up_the_till(page, shot) -> None:
    for kind, file in (("providers", "providers.csv"), ("plans", "commission_plans.csv"),
                       ("products", "products.csv")):
        _import(page, f"/county/till-setup/import/{kind}/", DEMO_DATA / file, f"the till's {kind}")
    assert Provider.objects.filter(code="state-grid").exists()
    assert Product.objects.get(code="sgcc-electricity").commission_plan == CommissionPlan.objects.get(
        code="utility-slabs")
    shot("08-till-set-up")


def _load_the_calendar(page, shot) -> None:
    """The official calendars the installed library carries come with the database (a migration loads
    them; a newer library's year is loaded with the button the page then shows); in December the county
    is told that next year's is still missing."""
    assert_ok(page.goto("/county/calendar/"), "the calendar")
    year = timezone.localdate().year
    assert CalendarDay.objects.filter(date__year=year, source="official").count() > 20
    expect(page.locator("main table").first).to_contain_text(f"{year}-10-01")
    if timezone.localdate().month >= 11:
        expect(page.locator("main")).to_contain_text(f"{year + 1}")
    shot("09-calendar")


def _operator_files_a_request(page, shot, operator, item) -> str:
    _sign_in(page, operator[0], operator[1], "the operator's sign-in")
    assert path_of(page) == "/counter/", f"the operator landed on {page.url}"
    assert_ok(page.goto(f"/counter/requests/new/?q={item.name}"), "the item search")
    click_and_wait(page, page.locator(f"a[href$='/counter/requests/new/{item.pk}/']"), "the application form")
    form = page.locator("form[enctype='multipart/form-data']:has(input[name='idempotency_key'])")
    form.locator("input[name='applicant_name']").fill("刘桂兰")
    form.locator("input[name='applicant_id_number']").fill(valid_id_number(7))
    form.locator("input[name='applicant_phone']").fill("13935000001")
    form.locator("input[name='consent'][value='signature']").check()
    sign_on_pad(page)
    click_and_wait(page, form.locator("button[type='submit']:not([formaction])"), "filing the request")
    _no_errors(page, "the application")
    code = page.locator(".cz-receipt__code").inner_text().strip()
    shot("10-request-receipt")
    request = ServiceRequest.objects.get()
    assert code.replace("-", "") == request.tracking_code.replace("-", "")
    assert request.department.code == "LT-MZJ" and request.station.code == STATION_CODE
    return code


def _operator_asks_for_float(page, operator) -> None:
    assert_ok(page.goto("/counter/till/floats/"), "the floats")
    form = page.locator("form:has(select[name='float_group'])")
    form.locator("select[name='float_group']").select_option("utilities")
    form.locator("input[name='amount']").fill("2000")
    form.locator("input[name='bank_reference']").fill("BANK-20261206-01")
    click_and_wait(page, form.locator("[type='submit']").first, "asking for a top-up")
    _no_errors(page, "the top-up request")


def _officer_sees_the_request(page, shot, code: str) -> None:
    assert path_of(page) == "/dept/", f"the officer landed on {page.url}"
    expect(page.locator("a[href*='/dept/requests/']", has_text=code)).to_have_count(1)
    shot("11-officer-queue")


def _approve_the_top_up(page) -> None:
    assert_ok(page.goto("/county/floats/"), "the county's floats")
    form = page.locator("form[action*='/county/floats/top-ups/']").first
    form.locator("[name='decision'][value='approve']").first.click() if form.locator(
        "button[name='decision'][value='approve']").count() else form.locator("[type='submit']").first.click()
    page.wait_for_load_state()
    _no_errors(page, "the top-up decision")


def _operator_takes_an_electricity_bill(page, shot) -> str:
    product = Product.objects.get(code="sgcc-electricity")
    assert_ok(page.goto(f"/counter/till/pay/{product.pk}/"), "the payment form")
    page.locator("input[name='account_number']").fill(ACCOUNT)
    page.locator("input[name='amount']").fill("123.45")
    page.locator("input[name='payment_method'][value='cash']").check()
    click_and_wait(page, page.locator("#review-payment"), "the confirmation")
    click_and_wait(page, page.locator("#confirm-pay"), "paying")
    expect(page.locator("h1[data-status='succeeded']")).to_be_visible()
    shot("12-bill-paid")
    return page.locator("#tx-reference").inner_text().strip()


def _commission_report_shows_it(page, shot, reference: str) -> None:
    tx = CounterTransaction.objects.get(reference=reference)
    # utility-slabs: 0.60 yuan on an amount from 100 to 500 yuan, 70 % of it the operator's.
    assert tx.commission_fen == 60
    today = timezone.localdate()
    assert_ok(page.goto("/county/reports/commissions/"), "the commission report")
    filters = page.locator("form[method='get']:has(input[name='date_from'])")
    filters.locator("input[name='date_from']").fill(today.replace(day=1).isoformat())
    filters.locator("input[name='date_to']").fill(today.isoformat())
    click_and_wait(page, filters.locator("[type='submit']").first, "this month's commissions")
    report = page.locator("main")
    expect(report).to_contain_text("城关村综合服务站")
    expect(report).to_contain_text("0.60")
    shot("13-commission-report")
