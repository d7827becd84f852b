"""The WeChat official account's server protocol (公众号 服务器配置), through wechatpy (a kept library):
the URL check WeChat makes when the county saves the server address, signed pushes of residents'
messages in plain mode (明文模式: SHA1 over token, timestamp, nonce) or safe mode (安全模式: the
message AES-encrypted, msg_signature over token, timestamp, nonce and the ciphertext), and passive
replies (encrypted again in safe mode).

What a resident's message means is gov_services/channels/wechat_dialogue.py's business; this module
only checks who sent it and speaks the format. Nothing is written here."""

import secrets
import time
from dataclasses import dataclass

from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.messages import BaseMessage
from wechatpy.utils import check_signature

from gov_services.channels.models import WeChatAccount

# A push older than this is refused even when signed: in plain mode the signature does not cover the
# body, so a captured one must not be reusable for long. (WeChat retries within 15 s.)
FRESH_SECONDS = 300


class WeChatRefused(Exception):
    """The push was not WeChat's (bad signature, stale, wrong account) or could not be read."""


@dataclass(frozen=True)
class PushParams:
    """The query string WeChat adds to every call of the server address."""

    signature: str = ""
    timestamp: str = ""
    nonce: str = ""
    echostr: str = ""
    encrypt_type: str = ""
    msg_signature: str = ""

    @classmethod
    def from_query(cls, query) -> "PushParams":
        return cls(**{name: str(query.get(name, ""))[:512] for name in cls.__dataclass_fields__})


def is_safe_mode(account: WeChatAccount) -> bool:
    return bool(account.encoding_aes_key)


def _crypto(account: WeChatAccount) -> WeChatCrypto:
    return WeChatCrypto(account.token, account.encoding_aes_key, account.app_id)


def _check_fresh(timestamp: str, now: float | None = None) -> None:
    try:
        age = abs((now or time.time()) - int(timestamp))
    except ValueError:
        raise WeChatRefused("timestamp is not a number") from None
    if age > FRESH_SECONDS:
        raise WeChatRefused("stale timestamp")


def url_check_answer(account: WeChatAccount, params: PushParams) -> str:
    """The echostr to send back when WeChat checks the server address (the same in both modes)."""
    try:
        check_signature(account.token, params.signature, params.timestamp, params.nonce)
    except InvalidSignatureException:
        raise WeChatRefused("bad signature") from None
    return params.echostr


def message_open(account: WeChatAccount, params: PushParams, body: bytes) -> BaseMessage:
    """The resident's message, once the signature (and in safe mode the decryption) proves WeChat sent it
    to this account."""
    _check_fresh(params.timestamp)
    try:
        if is_safe_mode(account):
            if params.encrypt_type != "aes" or not params.msg_signature:
                raise WeChatRefused("safe mode expects an encrypted push")
            body = _crypto(account).decrypt_message(body, params.msg_signature, params.timestamp, params.nonce)
        else:
            check_signature(account.token, params.signature, params.timestamp, params.nonce)
        message = parse_message(body)
    except (InvalidSignatureException, InvalidAppIdException):
        raise WeChatRefused("bad signature") from None
    except WeChatRefused:
        raise
    except Exception:  # broken XML, wrong key length, bad padding: not a message of WeChat's
        raise WeChatRefused("unreadable push") from None
    if message is None or message.target is None:
        raise WeChatRefused("empty push")
    return message


def reply_seal(account: WeChatAccount, message: BaseMessage, text: str) -> str:
    """The passive reply WeChat shows the resident ("success" says nothing, as WeChat asks)."""
    if not text:
        return "success"
    xml = create_reply(text, message, render=True)
    if is_safe_mode(account):
        return _crypto(account).encrypt_message(xml, secrets.token_hex(8))
    return xml
