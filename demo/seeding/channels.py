"""The county's channels: the 12345 hotline's software (Open311 and webhooks) and the county's WeChat
official account, connected in safe mode to the WeChat simulator (the "try it" page on the channel's
screen talks to it). Set up by the county admin through the services, as from /county/channels/."""

from demo.seeding.clock import SET_UP_AT, at
from demo.seeding.county import DemoCounty
from gov_services.channels.models import Channel
from gov_services.channels.services import channel_create, wechat_account_save

HOTLINE = ("lt-12345", "12345 政务服务便民热线", "phone")
WECHAT = ("lt-wechat", "乐亭县政务服务公众号", "wechat")
DEMO_APP_ID = "wx5a1e7e0c0a0d2b66"
DEMO_TOKEN = "CunzhanDemo2026"
DEMO_AES_KEY = "Cz0Demo0Official0Account0Safe0Mode0Key00042"  # 43 characters: safe mode, as a county would


def seed_channels(demo: DemoCounty, progress) -> None:
    admin = demo.county_admin
    with at(SET_UP_AT):
        for code, name, kind in (HOTLINE, WECHAT):
            channel = Channel.objects.filter(code=code).first() or channel_create(
                actor=admin, name=name, code=code, jurisdiction=demo.county, intake_channel=kind)
            if kind == "wechat" and not hasattr(channel, "wechat"):
                wechat_account_save(actor=admin, channel=channel, app_id=DEMO_APP_ID, token=DEMO_TOKEN,
                                    encoding_aes_key=DEMO_AES_KEY, app_secret="", acting_user=admin)
    progress.step("channels")
