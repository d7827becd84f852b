"""The wallet simulators' state and signatures: WeChat Pay API v3 and Alipay as this process plays them.

Orders live in the cache (shared by every process of a deployment on Redis; one process's memory in the
embedded demo), 30 days. The gateways' HTTP faces are views_simulator.py; this module keeps orders, signs
what the gateways sign and sends the notifications a real gateway sends after a payment, to the notify_url
the order was created with. Nothing here is used when live credentials are set (wallet_mode).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import secrets
import time
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.cache import cache

from agency.wallets import ALIPAY, WECHAT
from agency.wallets.alipay import yuan
from agency.wallets.keys import simulator_keys

CHINA = ZoneInfo("Asia/Shanghai")
KEEP_SECONDS = 30 * 24 * 3600


def _key(*parts) -> str:
    return "walletsim:" + ":".join(str(p) for p in parts)


def now_iso() -> str:
    return datetime.now(CHINA).isoformat(timespec="seconds")


# --- signatures ------------------------------------------------------------------------------------

def rsa_sign(private_pem: str, message: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verify(public_pem: str, message: str, signature: str) -> bool:
    key = serialization.load_pem_public_key(public_pem.encode())
    try:
        key.verify(base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception:
        return False
    return True


def wechat_response_headers(body: str, *, timestamp: int | None = None, private_pem: str | None = None) -> dict:
    """The headers WeChat Pay signs a response or a notification with (platform key, its certificate's serial)."""
    keys = simulator_keys()
    stamp, nonce = str(timestamp or int(time.time())), secrets.token_hex(16).upper()
    signature = rsa_sign(private_pem or keys["wechat_platform_private"], f"{stamp}\n{nonce}\n{body}\n")
    return {"Wechatpay-Timestamp": stamp, "Wechatpay-Nonce": nonce, "Wechatpay-Signature": signature,
            "Wechatpay-Serial": keys["wechat_platform_serial"], "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"}


def wechat_encrypt(plain: str, *, associated_data: str) -> dict:
    """A resource as WeChat Pay encrypts it with the merchant's APIv3 key (AEAD_AES_256_GCM)."""
    nonce = secrets.token_hex(6)  # twelve characters, as WeChat's
    cipher = AESGCM(simulator_keys()["wechat_apiv3_key"].encode()).encrypt(
        nonce.encode(), plain.encode(), associated_data.encode())
    return {"algorithm": "AEAD_AES_256_GCM", "ciphertext": base64.b64encode(cipher).decode(),
            "associated_data": associated_data, "nonce": nonce}


def wechat_authorization_ok(*, method: str, path: str, body: str, authorization: str) -> bool:
    """Check the merchant's WECHATPAY2-SHA256-RSA2048 Authorization header, as WeChat Pay does."""
    scheme, _, rest = authorization.partition(" ")
    if scheme != "WECHATPAY2-SHA256-RSA2048":
        return False
    fields = dict(part.split("=", 1) for part in rest.split(",") if "=" in part)
    fields = {k.strip(): v.strip().strip('"') for k, v in fields.items()}
    keys = simulator_keys()
    stamp = fields.get("timestamp", "")
    if (fields.get("mchid") != settings.WECHATPAY_SIMULATOR_MCHID or fields.get("serial_no") != keys["wechat_merchant_serial"]
            or not stamp.isdigit() or abs(time.time() - int(stamp)) > 300):
        return False
    message = f"{method}\n{path}\n{stamp}\n{fields.get('nonce_str', '')}\n{body}\n"
    return rsa_verify(keys["wechat_merchant_public"], message, fields.get("signature", ""))


def alipay_sign_params(params: dict) -> str:
    """Alipay's signature of a notification: every field but sign and sign_type, sorted, k=v joined by &."""
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in ("sign", "sign_type") and v != "")
    return rsa_sign(simulator_keys()["alipay_gateway_private"], message)


def alipay_request_ok(params: dict) -> bool:
    """Check our application's RSA2 signature of a request (every field but sign, sorted)."""
    signature = params.get("sign", "")
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign")
    return (params.get("app_id") == settings.ALIPAY_SIMULATOR_APPID and params.get("sign_type") == "RSA2"
            and rsa_verify(simulator_keys()["alipay_app_public"], message, signature))


def alipay_response(method: str, payload: dict) -> str:
    """A synchronous answer: {"<method>_response": {...}, "sign": RSA2 of exactly that object's text}."""
    inner = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    sign = rsa_sign(simulator_keys()["alipay_gateway_private"], inner)
    return '{{"{}":{},"sign":"{}"}}'.format(method.replace(".", "_") + "_response", inner, sign)


# --- orders ----------------------------------------------------------------------------------------

def order_get(wallet: str, out_trade_no: str) -> dict | None:
    return cache.get(_key(wallet, "order", out_trade_no))


def order_by_token(token: str) -> dict | None:
    found = cache.get(_key("token", token))
    return order_get(*found) if found else None


def order_save(order: dict) -> None:
    cache.set(_key(order["wallet"], "order", order["out_trade_no"]), order, KEEP_SECONDS)


def order_create(*, wallet: str, out_trade_no: str, amount_fen: int, description: str, notify_url: str,
                 trade_type: str, extra: dict | None = None) -> tuple[dict, bool]:
    """(the order, created). The same out_trade_no with the same amount returns the first (WeChat and
    Alipay both answer a repeated create so); another amount is refused by the caller."""
    existing = order_get(wallet, out_trade_no)
    if existing is not None:
        return existing, False
    token = secrets.token_urlsafe(16)
    prefix = "4200" if wallet == WECHAT else "2026"
    order = {"wallet": wallet, "out_trade_no": out_trade_no, "amount_fen": amount_fen, "description": description,
             "notify_url": notify_url, "trade_type": trade_type, "state": "NOTPAY", "token": token,
             "transaction_id": f"{prefix}{datetime.now(CHINA):%Y%m%d}{secrets.randbelow(10**18):018d}",
             "created": now_iso(), "paid_at": "", "refunds": [], "extra": extra or {}}
    order_save(order)
    cache.set(_key("token", token), (wallet, out_trade_no), KEEP_SECONDS)
    day = _key(wallet, "day", datetime.now(CHINA).date().isoformat())
    cache.set(day, [*(cache.get(day) or []), out_trade_no], KEEP_SECONDS)
    return order, True


def orders_of_day(wallet: str, day: str) -> list[dict]:
    return [order for no in cache.get(_key(wallet, "day", day)) or [] if (order := order_get(wallet, no))]


def pay_url(order: dict) -> str:
    """The simulator's pay page for an order: what its QR holds (a phone camera opens it)."""
    return f"{settings.SITE_URL.rstrip('/')}/sim/{order['wallet']}/pay/{order['token']}/"


def order_pay(order: dict, *, notify: bool = True) -> bool:
    """The payer confirmed: the order is paid, and (unless the tester asks the notification to be lost) the
    signed notification goes to its notify_url. Paying twice changes nothing. Returns whether it was delivered."""
    if order["state"] not in ("NOTPAY", "SUCCESS"):
        return False
    if order["state"] == "NOTPAY":
        order.update(state="SUCCESS", paid_at=now_iso())
        order_save(order)
    if not notify:
        return False
    return notify_send(order)


def notify_send(order: dict, *, refund: dict | None = None) -> bool:
    """Send (or send again: a replay has the same id) the order's signed notification."""
    url = order["notify_url"]
    if order["wallet"] == WECHAT:
        body, headers = wechat_notice(order, refund=refund)
        headers["Content-Type"] = "application/json"
        data: str | dict = body
    else:
        data, headers = alipay_notice(order, refund=refund), {}
    try:
        response = requests.post(url, data=data, headers=headers, timeout=settings.WALLET_SIMULATOR_NOTIFY_TIMEOUT)
    except requests.RequestException:
        return False
    return response.status_code in (200, 204)


def wechat_notice(order: dict, *, refund: dict | None = None) -> tuple[str, dict]:
    if refund is None:
        resource = {"mchid": settings.WECHATPAY_SIMULATOR_MCHID, "appid": settings.WECHATPAY_SIMULATOR_APPID,
                    "out_trade_no": order["out_trade_no"], "transaction_id": order["transaction_id"],
                    "trade_type": order["trade_type"], "trade_state": "SUCCESS", "trade_state_desc": "支付成功",
                    "bank_type": "OTHERS", "success_time": order["paid_at"], "payer": {"openid": "o_sim_payer"},
                    "amount": {"total": order["amount_fen"], "payer_total": order["amount_fen"], "currency": "CNY",
                               "payer_currency": "CNY"}}
        event_id, event_type, summary, original = f"EV-{order['transaction_id']}", "TRANSACTION.SUCCESS", "支付成功", "transaction"
    else:
        resource = {"mchid": settings.WECHATPAY_SIMULATOR_MCHID, "out_trade_no": order["out_trade_no"],
                    "transaction_id": order["transaction_id"], "out_refund_no": refund["out_refund_no"],
                    "refund_id": refund["refund_id"], "refund_status": "SUCCESS", "success_time": now_iso(),
                    "amount": {"total": order["amount_fen"], "refund": refund["amount_fen"],
                               "payer_total": order["amount_fen"], "payer_refund": refund["amount_fen"]}}
        event_id, event_type, summary, original = f"EV-{refund['refund_id']}", "REFUND.SUCCESS", "退款成功", "refund"
    body = json.dumps({"id": event_id, "create_time": now_iso(), "resource_type": "encrypt-resource",
                       "event_type": event_type, "summary": summary,
                       "resource": {**wechat_encrypt(json.dumps(resource, ensure_ascii=False),
                                                     associated_data=original), "original_type": original}},
                      ensure_ascii=False)
    return body, wechat_response_headers(body)


def alipay_notice(order: dict, *, refund: dict | None = None) -> dict:
    params = {"notify_time": datetime.now(CHINA).strftime("%Y-%m-%d %H:%M:%S"), "notify_type": "trade_status_sync",
              "notify_id": f"sim{order['transaction_id']}{'-' + refund['out_request_no'] if refund else ''}",
              "app_id": settings.ALIPAY_SIMULATOR_APPID, "charset": "utf-8", "version": "1.0", "sign_type": "RSA2",
              "trade_no": order["transaction_id"], "out_trade_no": order["out_trade_no"],
              "trade_status": "TRADE_SUCCESS", "total_amount": yuan(order["amount_fen"]),
              "receipt_amount": yuan(order["amount_fen"]), "buyer_logon_id": "sim***@example.cn",
              "subject": order["description"], "gmt_payment": order["paid_at"][:19].replace("T", " ")}
    if refund:
        params["refund_fee"] = yuan(refund["amount_fen"])
        params["out_biz_no"] = refund["out_request_no"]
    params["sign"] = alipay_sign_params(params)
    return params


def order_refund(order: dict, *, request_no: str, amount_fen: int) -> tuple[dict | None, str]:
    """(the refund, error code). The same request number refunds once; more than was paid is refused."""
    for refund in order["refunds"]:
        if refund["out_request_no"] == request_no:
            return refund, ""
    if order["state"] not in ("SUCCESS", "REFUND"):
        return None, "TRADE_NOT_PAID"
    if amount_fen <= 0 or amount_fen + sum(r["amount_fen"] for r in order["refunds"]) > order["amount_fen"]:
        return None, "REFUND_AMT_NOT_EQUAL_TOTAL" if order["wallet"] == ALIPAY else "INVALID_REQUEST"
    refund = {"out_request_no": request_no, "out_refund_no": request_no, "amount_fen": amount_fen,
              "refund_id": f"50{secrets.randbelow(10**26):026d}", "at": now_iso()}
    order["refunds"].append(refund)
    if sum(r["amount_fen"] for r in order["refunds"]) == order["amount_fen"] and order["wallet"] == WECHAT:
        order["state"] = "REFUND"
    order_save(order)
    return refund, ""


# --- bill files ------------------------------------------------------------------------------------

WECHAT_BILL_HEADER = ["交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识",
                      "交易类型", "交易状态", "付款银行", "货币种类", "应结订单总金额", "代金券金额", "微信退款单号",
                      "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包",
                      "手续费", "费率", "订单金额", "申请退款金额", "费率备注"]
ALIPAY_BILL_HEADER = ["支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间", "完成时间", "门店编号", "门店名称",
                      "操作员", "终端号", "对方账户", "订单金额（元）", "商家实收（元）", "支付宝红包（元）", "集分宝（元）",
                      "支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）", "券名称", "商家红包消费金额（元）",
                      "卡消费金额（元）", "退款批次号/请求号", "服务费（元）", "分润（元）", "备注"]


def wechat_bill(day: str) -> bytes:
    """The day's trade bill in WeChat Pay's CSV format (every field prefixed with a backquote)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(WECHAT_BILL_HEADER)
    paid = [o for o in orders_of_day(WECHAT, day) if o["state"] in ("SUCCESS", "REFUND")]
    total = refunded = 0
    for o in paid:
        amount = yuan(o["amount_fen"])
        total += o["amount_fen"]
        row = [o["paid_at"][:19].replace("T", " "), settings.WECHATPAY_SIMULATOR_APPID, settings.WECHATPAY_SIMULATOR_MCHID,
               "0", "", o["transaction_id"], o["out_trade_no"], "o_sim_payer", o["trade_type"], "SUCCESS", "OTHERS",
               "CNY", amount, "0.00", "0", "0", "0.00", "0.00", "", "", o["description"], "", "0.00", "0.60%",
               amount, "0.00", ""]
        writer.writerow([f"`{v}" for v in row])
        for r in o["refunds"]:
            refunded += r["amount_fen"]
            row = [r["at"][:19].replace("T", " "), settings.WECHATPAY_SIMULATOR_APPID, settings.WECHATPAY_SIMULATOR_MCHID,
                   "0", "", o["transaction_id"], o["out_trade_no"], "o_sim_payer", o["trade_type"], "REFUND", "OTHERS",
                   "CNY", "0.00", "0.00", r["refund_id"], r["out_refund_no"], yuan(r["amount_fen"]), "0.00",
                   "ORIGINAL", "SUCCESS", o["description"], "", "0.00", "0.60%", "0.00", yuan(r["amount_fen"]), ""]
            writer.writerow([f"`{v}" for v in row])
    writer.writerow(["总交易单数", "应结订单总金额", "退款总金额", "充值券退款总金额", "手续费总金额", "订单总金额", "申请退款总金额"])
    writer.writerow([f"`{v}" for v in (len(paid), yuan(total), yuan(refunded), "0.00", "0.00", yuan(total), yuan(refunded))])
    return out.getvalue().encode("utf-8")


def alipay_bill(day: str) -> bytes:
    """The day's business bill as Alipay serves it: a zip holding GBK CSV files (details and summary)."""
    out = io.StringIO()
    out.write("#支付宝业务明细查询\r\n")
    out.write(f"#账号：[{settings.ALIPAY_SIMULATOR_APPID}]\r\n")
    out.write(f"#起始日期：[{day} 00:00:00]   终止日期：[{day} 23:59:59]\r\n")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ALIPAY_BILL_HEADER)
    count = total = 0
    for o in orders_of_day(ALIPAY, day):
        if o["state"] != "SUCCESS":
            continue
        count, total = count + 1, total + o["amount_fen"]
        paid = o["paid_at"][:19].replace("T", " ")
        writer.writerow([o["transaction_id"], o["out_trade_no"], "交易", o["description"], o["created"][:19].replace("T", " "),
                         paid, "", "", "", "", "sim***@example.cn", yuan(o["amount_fen"]), yuan(o["amount_fen"]),
                         "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00", "", "0.00", "0.00", ""])
        for r in o["refunds"]:
            writer.writerow([o["transaction_id"], o["out_trade_no"], "退款", o["description"], r["at"][:19].replace("T", " "),
                             r["at"][:19].replace("T", " "), "", "", "", "", "sim***@example.cn", f"-{yuan(r['amount_fen'])}",
                             f"-{yuan(r['amount_fen'])}", "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00",
                             r["out_request_no"], "0.00", "0.00", ""])
    out.write("#-----------------------------------------业务明细列表结束------------------------------------\r\n")
    out.write(f"#交易合计：{count}笔，商家实收共{yuan(total)}元\r\n")
    out.write(f"#导出时间：[{datetime.now(CHINA):%Y-%m-%d %H:%M:%S}]\r\n")
    buffer = io.BytesIO()
    stem = f"{settings.ALIPAY_SIMULATOR_APPID}_{day.replace('-', '')}"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{stem}_业务明细.csv", out.getvalue().encode("gbk"))
        archive.writestr(f"{stem}_业务明细(汇总).csv", f"#支付宝业务汇总查询\r\n#交易合计：{count}笔\r\n".encode("gbk"))
    return buffer.getvalue()


def bill_token(wallet: str, day: str) -> str:
    token = secrets.token_urlsafe(16)
    cache.set(_key("bill", token), (wallet, day), 3600)
    return token


def bill_for_token(token: str) -> tuple[str, str] | None:
    return cache.get(_key("bill", token))

