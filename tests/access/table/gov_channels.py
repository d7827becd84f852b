"""The access matrix's rows for gov_services' channels: the text-message and webhook outboxes, the
county's channels and WeChat account, Open311 GeoReport v2."""

from __future__ import annotations

import uuid

from tests.access.policy import COUNTY, NOT_FOUND, PUBLIC, REGION, Case, Obj, Post, Unexercised


def _wechat_server_url(world) -> str:
    from django.urls import reverse

    return reverse("gov_services:wechat-server", args=[world.of("wechat_channel")[0].attrs["code"]])


def _unsigned_wechat_push(world) -> str | None:
    """A push without WeChat's signature is refused (403) and changes nothing; so is an unsigned URL check."""
    from tests.access import db_changes

    url = _wechat_server_url(world)
    body = ("<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><CreateTime>1</CreateTime>"
            "<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>")
    with db_changes.journal() as writes:
        pushed = world.clients["anonymous"].post(url, data=body, content_type="text/xml")
        checked = world.clients["anonymous"].get(url, {"echostr": "x"})
    if pushed.status_code != 403 or checked.status_code != 403 or writes.tables():
        return f"unsigned WeChat push answered {pushed.status_code}/{checked.status_code}, wrote {writes.tables()}"
    return None


def _open311_url(world, tail: str) -> str:
    """A GeoReport URL in county A (the world has two counties, so the jurisdiction must be named)."""
    return f"/open311/v2/{tail}?jurisdiction_id={world.sides['A'].county.code}"


ROWS: dict[str, Case] = {
    # --- the text-message outbox ---------------------------------------------------------------------------------
    # A scope decision (8793f4f, "SMS outbox by region"), not a gap: township admins see the text messages
    # about their own township and send its failed ones again (stations/scope's table); another
    # township's or county's message is a 404. The township admin is the control: their own region's retry.
    "gov_services:sms-outbox-list": Case(REGION),
    "gov_services:sms-outbox-retry": Case(REGION, Obj("sms", pk="pk"), get=False,
                                          post=Post({}, control="township_admin")),
    # The county's SMS gateway templates: county admins, for their own county (another county's is a 404).
    "gov_services:sms-template-list": Case(COUNTY),
    "gov_services:sms-template-edit": Case(COUNTY, Obj("county", region="pk"), values={"purpose": "pickup_code"},
                                           post=Post({"template_code": "SMS_465800001", "sign_name": "矩阵村站",
                                                      "content": "", "param_names": "ref, station, code, hours",
                                                      "approved": "on"}, control="county_admin")),

    # --- the webhook outbox (gov_services/channels): as the SMS outbox, by region; a replay sends again --------
    "gov_services:webhook-outbox-list": Case(REGION),
    "gov_services:webhook-replay": Case(REGION, Obj("webhook", pk="pk"), get=False,
                                        post=Post({}, control="township_admin")),

    # --- the county's channels (gov_services/channels/views_county.py): county admins of the channel's county ---
    "gov_services:channel-list": Case(COUNTY, post=Post(lambda t, w: {
        "name": "矩阵渠道", "code": f"matrix-new-{uuid.uuid4().hex[:8]}", "intake_channel": "api",
        "rate_limit": "60/m"}, control="county_admin")),
    "gov_services:channel-detail": Case(COUNTY, Obj("channel", pk="pk"), post=Post(
        {"action": "update", "name": "矩阵热线（改）", "rate_limit": "30/m", "webhook_url": "http://127.0.0.1:9/",
         "is_active": "on"}, control="county_admin")),
    "gov_services:wechat-try": Case(COUNTY, Obj("wechat_channel", pk="pk"), post=Post(
        {"openid": "x", "text": "矩阵测试"}, control="county_admin")),
    # WeChat's calls: the signature is the authentication (tests/gov_services/test_wechat_channel.py).
    "gov_services:wechat-server": Case(PUBLIC, get=False, url=lambda w: _wechat_server_url(w), post=Unexercised(
        "a WeChat push, verified by its signature", check=lambda world, pattern: _unsigned_wechat_push(world))),

    # --- Open311 GeoReport v2 (/open311/v2/): public reads, no session; POST needs a channel's api_key ---------
    "open311:discovery": Case(PUBLIC, values={"fmt": "json"}),
    "open311:service-list": Case(PUBLIC, url=lambda w: _open311_url(w, "services.json")),
    "open311:service-definition": Case(PUBLIC, url=lambda w: _open311_url(w, "services/appeal-help.xml")),
    "open311:request-list": Case(PUBLIC, url=lambda w: _open311_url(w, "requests.json"), post=Unexercised(
        "filing needs a channel's api_key in the form, not a session: tests/gov_services/open311 prove who may")),
    # A request none of the world's residents let be shown publicly is not found, for everyone alike.
    "open311:request-detail": Case(PUBLIC, ok=NOT_FOUND, url=lambda w: _open311_url(
        w, f"requests/{w.of('request')[0].attrs['tracking_code']}.json")),
    "open311:token-detail": Case(PUBLIC, ok=NOT_FOUND, url=lambda w: _open311_url(w, "tokens/unknown.json")),
}
