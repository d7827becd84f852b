"""Two-factor sign-in and a resident's personal-data request through the browser.

An administrator whose role needs a second factor is sent to set it up at the first sign-in: reads the
key off the page (as an authenticator app would from the QR), turns it on with the app's code, is shown
recovery codes once, and at the next sign-in is asked for a code before any page (a recovery code works
once). A resident on a phone reads what the platform holds about them, downloads a copy and asks for a
correction; the data officer answers it; the resident reads the answer."""

import base64
import json
import re
from pathlib import Path

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.roles import Role
from core.models import PersonalDataRequest
from tests.e2e.helpers import assert_ok, path_of
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 800}


def _app_code(page) -> str:
    """What an authenticator app shows for the key the set-up page prints (base32, in groups)."""
    key = page.locator("form code").inner_text().replace(" ", "")
    return f"{totp(base64.b32decode(key + '=' * (-len(key) % 8))):06d}"


def _send(page, form, button="button[type='submit']"):
    with page.expect_navigation() as landing:
        form.locator(button).click()
    return landing.value


def test_an_administrator_sets_up_two_factor_and_is_asked_for_a_code_at_the_next_sign_in(
        page, shot, sign_in, settings):
    settings.TWO_FACTOR_ROLES = ["security_admin"]
    admin = UserFactory(username="secadmin", full_name="吴海燕", roles=[Role.SECURITY_ADMIN])

    sign_in(admin)
    assert path_of(page) == "/two-factor/setup/"
    expect(page.locator("h1")).to_have_text("设置双因素登录")
    expect(page.locator(".cz-qr svg")).to_be_visible()
    assert page.goto("/ops/").url.endswith("/two-factor/setup/?next=/ops/")  # nothing else until it is on
    shot("02-setup")

    form = page.locator("main form")
    form.locator("input[name='code']").fill("000000")
    _send(page, form)
    expect(page.locator("#code-error")).to_be_visible()  # a wrong code: said so, nothing turned on
    shot("03-wrong-code")
    # django-otp refuses any code for a second after a wrong one (then two, four, ...): a person takes longer.
    page.wait_for_timeout(1_500)
    form.locator("input[name='code']").fill(_app_code(page))
    assert_ok(_send(page, form), "after turning it on")
    codes = page.locator(".cz-codes code").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    shot("04-recovery-codes")
    with page.expect_navigation():
        page.locator("main a.cz-button").click()
    assert path_of(page) == "/ops/"

    # The next sign-in, on a phone: a code before any page; a recovery code works once.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in(admin, step="05-sign-in-again")
    assert path_of(page) == "/two-factor/verify/"
    expect(page.locator("h1")).to_have_text("输入验证码")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot("06-verify-phone")
    form = page.locator("main form.cz-signin")
    form.locator("input[name='code']").fill(codes[0])
    _send(page, form)
    assert path_of(page) == "/ops/"
    page.context.clear_cookies()
    sign_in(admin, step="07-sign-in-third")
    form = page.locator("main form.cz-signin")
    form.locator("input[name='code']").fill(codes[0])  # used already
    _send(page, form)
    assert path_of(page) == "/two-factor/verify/"
    expect(page.locator("#code-error")).to_be_visible()
    shot("08-used-recovery-code-refused")


def test_a_resident_asks_for_a_correction_of_their_data_and_the_data_officer_answers(page, shot, sign_in):
    resident = UserFactory(username="13935000021", phone="13935000021", full_name="刘桂兰", roles=[Role.RESIDENT])
    officer = UserFactory(username="dataofficer", full_name="冯淑珍", roles=[Role.DATA_OFFICER])
    page.set_viewport_size(PHONE)

    sign_in(resident)
    assert_ok(page.goto("/me/data/"), "my data")
    expect(page.locator("main h1")).to_contain_text("我的个人信息")
    with page.expect_download() as download:
        page.locator("main a", has_text="下载").first.click()
    copy = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert "13935000021" in json.dumps(copy, ensure_ascii=False)
    form = page.locator("main form[method='post']")
    _send(page, form)  # nothing chosen, nothing written: said so, in Chinese
    expect(page.locator("main .cz-error").first).to_be_visible()
    assert PersonalDataRequest.objects.count() == 0
    form.locator("input[name='kind'][value='correct']").check()
    form.locator("textarea[name='details']").fill("我的姓名写错了，应为刘桂兰（兰字），请更正。")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot("02-phone-correction-request")
    _send(page, form)
    expect(page.locator("main table").last).to_contain_text("待答复")
    shot("03-phone-request-waiting")
    request = PersonalDataRequest.objects.get()
    assert request.user == resident and request.kind == "correct"

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(officer, step="04-sign-in-data-officer")
    assert_ok(page.goto("/ops/data-requests/"), "data requests")
    with page.expect_navigation():
        page.locator(f"a[href='/ops/data-requests/{request.pk}/']").click()
    shot("05-officer-request")
    form = page.locator("main form[method='post']")
    form.locator("input[name='status'][value='done']").check()
    form.locator("textarea[name='reply']").fill("已更正姓名。")
    _send(page, form)
    request.refresh_from_db()
    assert request.status == "done" and request.handled_by == officer

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    sign_in(resident, step="06-resident-again")
    assert_ok(page.goto("/me/data/"), "my data again")
    expect(page.locator("main table").last).to_contain_text("已更正姓名。")
    shot("07-phone-answered")
    assert not re.search(r"\b(Status|Answer|Done)\b", page.locator("main").inner_text())
