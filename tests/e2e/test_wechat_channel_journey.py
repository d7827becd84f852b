"""The county's WeChat official account through the browser, desktop then a 375 px phone: a county admin
finds 对接渠道 in the back office, adds a WeChat channel, connects the account in safe mode (a typo in the
AppID is refused and what was typed stays), then writes to it as a resident on the try-it page — a
description, the kind, the place, a photo, the phone — and gets the tracking code back; the report is
in the county's requests as one filed by WeChat."""

import io
from decimal import Decimal

import pytest
from PIL import Image
from playwright.sync_api import expect

from gov_services.identifiers import format_tracking_code
from gov_services.models import ServiceRequest
from tests.factories import DepartmentFactory, RoutingRuleFactory

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 800}
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


@pytest.fixture
def county(tree, dispatch_desk):
    for index, village in enumerate(tree["villages"]):
        village.latitude, village.longitude = Decimal("39.41") - index * Decimal("0.01"), Decimal("118.91")
        village.save(update_fields=["latitude", "longitude"])
    bureau = DepartmentFactory(region=tree["county"], name="县住建局")
    RoutingRuleFactory(county=tree["county"], category="help", department=bureau)
    return bureau


@pytest.fixture
def lamp_photo(tmp_path):
    path = tmp_path / "路灯.jpg"
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40, 40, 90)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def _say(page, text: str) -> None:
    page.get_by_label("消息").fill(text)
    page.get_by_role("button", name="发送", exact=True).click()
    expect(page.locator(".cz-chat__line--resident").last).to_contain_text(text)


def test_a_county_admin_connects_the_official_account_and_tries_it(page, shot, sign_in, tree, county_admin, county,
                                                                   private_files, lamp_photo):
    sign_in(county_admin)
    page.goto("/county/")
    page.get_by_role("link", name="对接渠道（热线、微信、Open311）").click()
    expect(page.locator("h1")).to_have_text("对接渠道")
    page.get_by_label("渠道名称").fill("县政务服务公众号")
    page.get_by_label("代码").fill("county-wechat")
    page.get_by_label("办件受理渠道").select_option("wechat")
    page.get_by_role("button", name="添加该渠道").click()
    expect(page.locator("h1")).to_have_text("县政务服务公众号")
    expect(page.get_by_text("/channels/wechat/county-wechat/")).to_be_visible()
    shot("01-channel-created")

    page.get_by_label("AppID（开发者 ID）").fill("wx-typo")
    page.get_by_label("令牌（Token）").fill("CunzhanToken1")
    page.get_by_label("EncodingAESKey（消息加解密密钥）").fill(AES_KEY)
    page.get_by_role("button", name="连接公众号").click()
    expect(page.get_by_text("AppID 由 wx 和 16 位十六进制数字组成。")).to_be_visible()
    expect(page.get_by_label("令牌（Token）")).to_have_value("CunzhanToken1")  # what was typed stays
    page.get_by_label("AppID（开发者 ID）").fill("wx0123456789abcdef")
    page.get_by_role("button", name="连接公众号").click()
    expect(page.get_by_text("安全模式", exact=True)).to_be_visible()
    shot("02-account-connected")

    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="以群众身份试用").click()
    expect(page.locator("h1")).to_have_text("试用公众号")
    _say(page, "村口路灯坏了，晚上很黑")
    expect(page.locator(".cz-chat__line--account").last).to_contain_text("请回复编号")
    _say(page, "3")
    expect(page.locator(".cz-chat__line--account").last).to_contain_text("位置")
    page.get_by_label("发送位置").select_option(label=tree["villages"][0].name)
    page.get_by_role("button", name="发送", exact=True).click()
    expect(page.locator(".cz-chat__line--account").last).to_contain_text(tree["villages"][0].name)
    page.locator("input[name=photo]").set_input_files(lamp_photo)
    page.get_by_role("button", name="发送", exact=True).click()
    expect(page.locator(".cz-chat__line--account").last).to_contain_text("已保存第 1 张照片")
    _say(page, "13812345678")
    filed = ServiceRequest.objects.get()
    expect(page.locator(".cz-chat__line--account").last).to_contain_text(format_tracking_code(filed.tracking_code))
    shot("03-report-filed-phone")
    assert (filed.channel, filed.department, filed.attachments.count()) == ("wechat", county, 1)

    _say(page, "查询")
    expect(page.locator(".cz-chat__line--account").last).to_contain_text("已提交")
    page.goto("/county/requests/")
    expect(page.locator("body")).to_contain_text(format_tracking_code(filed.tracking_code))
    shot("04-in-the-county-requests-phone")
