"""The WeChat official-account channel (gov_services/channels/wechat*.py): WeChat's URL check, signed and
encrypted pushes through wechatpy, the dialogue that turns messages into a report filed through the one
intake service, WeChat's retries answered once, and the county's set-up screens. Every push is built by
the WeChat simulator exactly as WeChat builds it and goes through the real endpoint (the Django test
client is the network)."""

import io
from decimal import Decimal

import pytest
import xmltodict
from django.urls import reverse
from PIL import Image

from accounts.roles import Role
from accounts.services import api_key_lookup
from core.models import AuditEvent
from gov_services.channels import wechat
from gov_services.channels.models import (
    Channel,
    ChannelRequest,
    WeChatAccount,
    WeChatConversation,
    WeChatInbound,
)
from gov_services.channels.services import channel_create, wechat_account_save
from gov_services.channels.wechat_simulator import WeChatServerSimulator
from gov_services.identifiers import format_tracking_code
from gov_services.models import ServiceRequest
from tests.factories import (
    DepartmentFactory,
    RoutingRuleFactory,
    county_tree,
    staff_user,
)

pytestmark = pytest.mark.django_db

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat shows it
OPENID = "oWx5t1_resident_0001"


@pytest.fixture
def roads(mapped_tree, dispatch_desk):
    bureau = DepartmentFactory(region=mapped_tree["county"], name="县住建局")
    RoutingRuleFactory(county=mapped_tree["county"], category="help", department=bureau)
    return bureau


def _account(tree, admin, *, safe: bool) -> WeChatAccount:
    channel = channel_create(actor=admin, name="县政务公众号", code="county-wechat", jurisdiction=tree["county"],
                             intake_channel="wechat")
    return wechat_account_save(actor=admin, channel=channel, app_id="wx0123456789abcdef", token="CunzhanToken1",
                               encoding_aes_key=AES_KEY if safe else "", app_secret="", acting_user=admin)


@pytest.fixture(params=["plain", "safe"])
def account(request, mapped_tree, county_admin, roads):
    return _account(mapped_tree, county_admin, safe=request.param == "safe")


def send(client, account, push):
    url = reverse("gov_services:wechat-server", args=[account.channel.code])
    query = "&".join(f"{k}={v}" for k, v in push.query.items())
    return client.post(f"{url}?{query}", data=push.body, content_type="text/xml")


def say(client, account, push) -> str:
    response = send(client, account, push)
    assert response.status_code == 200, response.content
    return WeChatServerSimulator(account).reply_text(response.content.decode())


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1800), (90, 90, 200)).save(out, format="JPEG")
    return out.getvalue()


def test_wechat_checks_the_server_address_and_a_wrong_signature_is_refused(client, account):
    sim = WeChatServerSimulator(account)
    url = reverse("gov_services:wechat-server", args=[account.channel.code])
    answered = client.get(url, sim.url_check("echo-12345"))
    assert answered.status_code == 200 and answered.content == b"echo-12345"
    forged = sim.url_check("echo-12345") | {"signature": "0" * 40}
    assert client.get(url, forged).status_code == 403


def test_a_resident_reports_a_problem_in_a_conversation_and_gets_the_tracking_code(client, account, roads,
                                                                                   private_files):
    sim = WeChatServerSimulator(account)
    assert "查询" in say(client, account, sim.subscribe(OPENID))
    assert "回复" in say(client, account, sim.text(OPENID, "村口路灯坏了，晚上很黑"))  # asks the kind, by number
    assert "Location" not in (reply := say(client, account, sim.text(OPENID, "3")))
    assert "位置" in reply
    reply = say(client, account, sim.location(OPENID, Decimal("39.400100"), Decimal("118.900200"), "村口"))
    assert "村口" in reply
    assert "1" in say(client, account, sim.image(OPENID, jpeg()))
    reply = say(client, account, sim.text(OPENID, "13812345678"))
    filed = ServiceRequest.objects.get()
    assert format_tracking_code(filed.tracking_code) in reply and "查询" in reply
    assert (filed.kind, filed.channel, filed.appeal_category) == ("appeal", "wechat", "help")
    assert filed.department == roads and filed.applicant_phone == "13812345678"
    assert filed.description == "村口路灯坏了，晚上很黑" and filed.place == "村口"
    assert filed.latitude == Decimal("39.400100") and filed.attachments.count() == 1
    assert ChannelRequest.objects.get(request=filed).channel == account.channel
    assert AuditEvent.objects.filter(action="wechat.report_filed").count() == 1
    # The conversation starts again; 查询 lists the report with its status.
    conversation = WeChatConversation.objects.get(openid=OPENID)
    assert conversation.description == "" and conversation.photos.count() == 0
    listed = say(client, account, sim.text(OPENID, "查询"))
    assert format_tracking_code(filed.tracking_code) in listed and filed.get_status_display() in listed


def test_wechats_retry_of_a_push_gets_the_first_answer_and_files_nothing_more(client, account, roads):
    sim = WeChatServerSimulator(account)
    for text in ("路灯坏了", "3"):
        say(client, account, sim.text(OPENID, text))
    say(client, account, sim.location(OPENID, Decimal("39.400100"), Decimal("118.900200")))
    final = sim.text(OPENID, "13812345678", msg_id=770001)
    first = say(client, account, final)
    again = say(client, account, sim.text(OPENID, "13812345678", msg_id=770001))  # re-signed, same MsgId
    assert first == again and ServiceRequest.objects.count() == 1
    assert WeChatInbound.objects.filter(msg_key="770001").count() == 1


def test_a_forged_or_stale_push_is_refused_and_writes_nothing(client, account, roads, monkeypatch):
    sim = WeChatServerSimulator(account)
    push = sim.text(OPENID, "路灯坏了")
    forged_query = push.query | ({"msg_signature": "0" * 40} if account.encoding_aes_key else {"signature": "0" * 40})
    assert send(client, account, type(push)(query=forged_query, body=push.body)).status_code == 403
    stale = WeChatServerSimulator(account, clock=lambda: 1_700_000_000).text(OPENID, "路灯坏了")
    assert send(client, account, stale).status_code == 403
    assert not WeChatInbound.objects.exists() and not WeChatConversation.objects.exists()


def test_safe_mode_refuses_a_plain_push_and_replies_encrypted(client, mapped_tree, county_admin, roads):
    account = _account(mapped_tree, county_admin, safe=True)
    plain = WeChatServerSimulator(account)
    push = plain.text(OPENID, "路灯坏了")
    unencrypted = {k: v for k, v in push.query.items() if k not in ("encrypt_type", "msg_signature")}
    xml = (f"<xml><ToUserName>gh_x</ToUserName><FromUserName>{OPENID}</FromUserName><CreateTime>1</CreateTime>"
           "<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>").encode()
    assert send(client, account, type(push)(query=unencrypted, body=xml)).status_code == 403
    response = send(client, account, push)
    envelope = xmltodict.parse(response.content)["xml"]
    assert set(envelope) >= {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"} and "路灯" not in response.content.decode()


def test_a_place_outside_the_county_and_a_non_photo_are_refused_in_chinese(client, account, roads):
    sim = WeChatServerSimulator(account)
    say(client, account, sim.text(OPENID, "路灯坏了"))
    say(client, account, sim.text(OPENID, "3"))
    reply = say(client, account, sim.location(OPENID, Decimal("31.230000"), Decimal("121.470000"), "上海"))
    assert account.channel.jurisdiction.name in reply and WeChatConversation.objects.get().latitude is None
    reply = say(client, account, sim.image(OPENID, b"%PDF-1.4 not a photo"))
    assert "JPEG" in reply and WeChatConversation.objects.get().photos.count() == 0
    assert "取消" in say(client, account, sim.text(OPENID, "帮助"))
    say(client, account, sim.text(OPENID, "取消"))
    assert WeChatConversation.objects.get().description == ""


def test_a_photo_url_off_wechats_hosts_is_never_fetched(settings, account):
    from gov_services.channels import wechat_media

    settings.WECHAT_MEDIA_SOURCE = "http"
    with pytest.raises(wechat_media.MediaUnavailable):
        wechat_media.photo_fetch(account=account, media_id="m", url="http://127.0.0.1:8000/secret")
    with pytest.raises(wechat_media.MediaUnavailable):
        wechat_media.photo_fetch(account=account, media_id="m", url="file:///etc/passwd")


def test_message_open_parses_what_the_simulator_builds(account):
    push = WeChatServerSimulator(account).text(OPENID, "你好]]>世界")
    message = wechat.message_open(account, wechat.PushParams.from_query(push.query), push.body)
    assert (message.type, message.source, message.content) == ("text", OPENID, "你好]]>世界")


# --- the county's screens ------------------------------------------------------------------------------------

def test_a_county_admin_sets_up_a_wechat_channel_from_the_screens_and_tries_it(client, mapped_tree, county_admin,
                                                                               roads, private_files):
    client.force_login(county_admin)
    listed = client.get(reverse("gov_services:channel-list"))
    assert listed.status_code == 200 and "添加渠道" in listed.content.decode()
    created = client.post(reverse("gov_services:channel-list"), {
        "name": "县政务公众号", "code": "county-wechat", "intake_channel": "wechat", "rate_limit": "60/m"})
    channel = Channel.objects.get(code="county-wechat")
    detail_url = reverse("gov_services:channel-detail", args=[channel.pk])
    assert created.status_code == 302 and created.url == detail_url and channel.jurisdiction == mapped_tree["county"]
    page = client.get(detail_url).content.decode()
    assert "/channels/wechat/county-wechat/" in page and "连接公众号" in page
    bad = client.post(detail_url, {"action": "wechat", "app_id": "not-an-appid", "token": "t",
                                   "acting_user": county_admin.pk})
    assert bad.status_code == 200 and "AppID" in bad.content.decode() and not WeChatAccount.objects.exists()
    saved = client.post(detail_url, {"action": "wechat", "app_id": "wx0123456789abcdef", "token": "CunzhanToken1",
                                     "encoding_aes_key": AES_KEY, "app_secret": "s3cret",
                                     "acting_user": county_admin.pk})
    assert saved.status_code == 302
    account = WeChatAccount.objects.get()
    assert account.app_secret == "s3cret" and "s3cret" not in client.get(detail_url).content.decode()
    try_url = reverse("gov_services:wechat-try", args=[channel.pk])
    client.post(try_url, {"openid": "x", "text": "村口路灯坏了"})
    client.post(try_url, {"openid": "x", "text": "3"})
    client.post(try_url, {"openid": "x", "village": mapped_tree["villages"][0].pk})
    client.post(try_url, {"openid": "x", "text": "13812345678"})
    page = client.get(try_url).content.decode()
    filed = ServiceRequest.objects.get()
    assert format_tracking_code(filed.tracking_code) in page and filed.channel == "wechat"


def test_a_key_is_shown_once_and_revoked_from_the_screen(client, mapped_tree, county_admin):
    client.force_login(county_admin)
    channel = channel_create(actor=county_admin, name="12345热线", code="hotline", jurisdiction=mapped_tree["county"],
                             intake_channel="phone")
    url = reverse("gov_services:channel-detail", args=[channel.pk])
    issued = client.post(url, {"action": "key_issue", "user": county_admin.pk})
    raw = issued.context["new_key"]
    key = channel.keys.get()
    assert issued.status_code == 200 and raw in issued.content.decode() and api_key_lookup(key=raw) == key.api_key
    assert raw not in client.get(url).content.decode()  # shown once
    client.post(url, {"action": "key_revoke", "key": key.pk})
    key.api_key.refresh_from_db()
    assert key.api_key.revoked_at is not None
    assert AuditEvent.objects.filter(action="api_key.revoke").exists()


def test_a_key_may_act_only_as_staff_of_the_county(client, mapped_tree, county_admin):
    client.force_login(county_admin)
    stranger = staff_user(Role.COUNTY_ADMIN, region=county_tree()["county"])
    channel = channel_create(actor=county_admin, name="12345热线", code="hotline", jurisdiction=mapped_tree["county"])
    refused = client.post(reverse("gov_services:channel-detail", args=[channel.pk]),
                          {"action": "key_issue", "user": stranger.pk})
    assert refused.status_code == 200 and not channel.keys.exists()
