"""Fetching a photo a resident sent to the official account. WeChat's push carries the photo's PicUrl
(and MediaId); the photo is fetched once, when it arrives, and kept re-drawn with the draft report.

WECHAT_MEDIA_SOURCE = "http" fetches PicUrl over HTTPS (what WeChat sends); "simulator" reads the
photo the WeChat simulator (wechat_simulator.py) was given, by MediaId — the demo and the tests, where
no WeChat server exists to fetch from."""

from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache

from core.uploads import MAX_UPLOAD_BYTES
from gov_services.channels.models import WeChatAccount

TIMEOUT = (3, 5)  # connect, read: the whole push must be answered within WeChat's 5 s
SIMULATED_KEY = "wechat-sim-media:{app_id}:{media_id}"
SIMULATED_FOR = 3 * 24 * 3600  # WeChat keeps a message's media three days
# Only WeChat's own picture hosts are fetched from: a plain-mode push's body is not signed, and a forged
# PicUrl must not make the server fetch from inside the county's network.
MEDIA_HOSTS = ("qpic.cn", "weixin.qq.com")


class MediaUnavailable(Exception):
    pass


def photo_fetch(*, account: WeChatAccount, media_id: str, url: str) -> bytes:
    if getattr(settings, "WECHAT_MEDIA_SOURCE", "http") == "simulator":
        content = cache.get(SIMULATED_KEY.format(app_id=account.app_id, media_id=media_id))
        if content is None:
            raise MediaUnavailable(media_id)
        return content
    return _http_fetch(url)


def _http_fetch(url: str) -> bytes:
    parts = urlsplit(url)
    hosts = getattr(settings, "WECHAT_MEDIA_HOSTS", MEDIA_HOSTS)
    if parts.scheme not in ("https", "http") or not any(
            parts.hostname == host or (parts.hostname or "").endswith("." + host) for host in hosts):
        raise MediaUnavailable(url)
    try:
        with requests.get(url, timeout=TIMEOUT, stream=True) as response:
            response.raise_for_status()
            content = response.raw.read(MAX_UPLOAD_BYTES + 1, decode_content=True)
    except requests.RequestException as error:
        raise MediaUnavailable(url) from error
    if len(content) > MAX_UPLOAD_BYTES:
        raise MediaUnavailable(url)
    return content


def simulated_photo_keep(*, account: WeChatAccount, media_id: str, content: bytes) -> None:
    cache.set(SIMULATED_KEY.format(app_id=account.app_id, media_id=media_id), content, SIMULATED_FOR)
