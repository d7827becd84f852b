"""WeChat's side of an official account's server, for the demo and the tests: builds the pushes WeChat
sends (the same XML, query string and signature, encrypted in safe mode as WeChat does) and reads the
replies back. The county's "try it" page and the tests drive the real endpoint's code with them
(gov_services/channels/views_wechat.py: push_answer), so signature checks, decryption, parsing and the
dialogue are those a real push meets."""

import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

from gov_services.channels import wechat_media
from gov_services.channels.models import WeChatAccount

SIMULATED_PIC_URL = "https://mmbiz.qpic.cn/simulated/{media_id}/0"


@dataclass(frozen=True)
class Push:
    query: dict
    body: bytes


class WeChatServerSimulator:
    def __init__(self, account: WeChatAccount, *, clock=time.time):
        self.account = account
        self.clock = clock
        self._msg_id = int(clock() * 1000)

    # --- the messages a resident sends -----------------------------------------------------------------

    def text(self, openid: str, content: str, *, msg_id: int | None = None) -> Push:
        return self._push(openid, "text", f"<Content>{_cdata(content)}</Content>", msg_id)

    def location(self, openid: str, latitude: Decimal, longitude: Decimal, label: str = "") -> Push:
        return self._push(openid, "location", f"<Location_X>{latitude}</Location_X><Location_Y>{longitude}"
                          f"</Location_Y><Scale>15</Scale><Label>{_cdata(label)}</Label>", None)

    def image(self, openid: str, content: bytes) -> Push:
        media_id = secrets.token_urlsafe(24)
        wechat_media.simulated_photo_keep(account=self.account, media_id=media_id, content=content)
        url = escape(SIMULATED_PIC_URL.format(media_id=media_id))
        return self._push(openid, "image", f"<PicUrl><![CDATA[{url}]]></PicUrl><MediaId><![CDATA[{media_id}]]>"
                          f"</MediaId>", None)

    def subscribe(self, openid: str) -> Push:
        return self._push(openid, "event", "<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey>",
                          None, with_id=False)

    def url_check(self, echostr: str) -> dict:
        timestamp, nonce = str(int(self.clock())), secrets.token_hex(5)
        return {"signature": _signature(self.account.token, timestamp, nonce), "timestamp": timestamp,
                "nonce": nonce, "echostr": echostr}

    # --- the reply ---------------------------------------------------------------------------------------

    def reply_text(self, body: str, query: dict | None = None) -> str:
        """What the resident sees of our answer ("" for "success")."""
        if body == "success" or not body:
            return ""
        if self.account.encoding_aes_key:
            envelope = xmltodict.parse(body)["xml"]
            body = self._crypto().decrypt_message(body, envelope["MsgSignature"], envelope["TimeStamp"],
                                                  envelope["Nonce"])
        return xmltodict.parse(body)["xml"].get("Content") or ""

    # --- how WeChat wraps a message ------------------------------------------------------------------------

    def _push(self, openid: str, msg_type: str, fields: str, msg_id: int | None, *, with_id: bool = True) -> Push:
        now = str(int(self.clock()))
        if msg_id is None:
            self._msg_id += 1
            msg_id = self._msg_id
        xml = (f"<xml><ToUserName><![CDATA[gh_{self.account.app_id[2:14]}]]></ToUserName>"
               f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{now}</CreateTime>"
               f"<MsgType><![CDATA[{msg_type}]]></MsgType>{fields}"
               + (f"<MsgId>{msg_id}</MsgId>" if with_id else "") + "</xml>")
        nonce = secrets.token_hex(5)
        query = {"signature": _signature(self.account.token, now, nonce), "timestamp": now, "nonce": nonce,
                 "openid": openid}
        if not self.account.encoding_aes_key:
            return Push(query=query, body=xml.encode())
        envelope = xmltodict.parse(self._crypto().encrypt_message(xml, nonce, now))["xml"]
        body = (f"<xml><ToUserName><![CDATA[gh_{self.account.app_id[2:14]}]]></ToUserName>"
                f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>")
        return Push(query=query | {"encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]},
                    body=body.encode())

    def _crypto(self) -> WeChatCrypto:
        return WeChatCrypto(self.account.token, self.account.encoding_aes_key, self.account.app_id)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _signature(token: str, timestamp: str, nonce: str) -> str:
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return signer.signature
