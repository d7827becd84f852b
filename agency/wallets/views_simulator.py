"""The wallet simulators' HTTP faces (404 unless settings.ENABLE_SIMULATORS):

* /sim/wechatpay/v3/…        WeChat Pay API v3: certificates, native/h5/jsapi orders, query, close, refund,
                             trade bill and its download; requests must carry the merchant's valid
                             WECHATPAY2-SHA256-RSA2048 Authorization, answers are signed with the platform key.
* /sim/alipay/gateway.do     Alipay's gateway: precreate, wap pay (the browser lands on the pay page), query,
                             close, refund, bill download URL; requests must be RSA2-signed by our app key.
* /sim/<wallet>/pay/<token>/ the pay page a tester opens from the QR (or the phone is sent to): confirm, and
                             the simulator sends the signed notification.
* /sim/<wallet>/bill/<token> a bill file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from agency.wallets import ALIPAY, WECHAT, simulator
from agency.wallets.alipay import fen, yuan
from agency.wallets.keys import simulator_keys
from agency.wallets.simulator import wechat_encrypt, wechat_response_headers
from agency.wallets.wechat import SIMULATOR_PATH


class _SimulatorOnly(View):
    def dispatch(self, request, *args, **kwargs):
        if not settings.ENABLE_SIMULATORS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def _wechat_json(status: int, payload: dict | None) -> HttpResponse:
    body = "" if payload is None else json.dumps(payload, ensure_ascii=False)
    response = HttpResponse(body, status=status, content_type="application/json")
    for name, value in wechat_response_headers(body).items():
        response[name] = value
    return response


def _wechat_error(status: int, code: str, message: str) -> HttpResponse:
    return _wechat_json(status, {"code": code, "message": message})


def _transaction(order: dict) -> dict:
    data = {"appid": settings.WECHATPAY_SIMULATOR_APPID, "mchid": settings.WECHATPAY_SIMULATOR_MCHID,
            "out_trade_no": order["out_trade_no"], "trade_type": order["trade_type"],
            "trade_state": order["state"], "trade_state_desc": {"SUCCESS": "支付成功", "NOTPAY": "未支付",
                                                                "CLOSED": "已关闭", "REFUND": "转入退款"}[order["state"]],
            "amount": {"total": order["amount_fen"], "currency": "CNY"}}
    if order["state"] in ("SUCCESS", "REFUND"):
        data.update(transaction_id=order["transaction_id"], success_time=order["paid_at"], bank_type="OTHERS",
                    payer={"openid": "o_sim_payer"})
        data["amount"].update(payer_total=order["amount_fen"], payer_currency="CNY")
    return data


@method_decorator(csrf_exempt, name="dispatch")
class WechatApiView(_SimulatorOnly):
    """WeChat Pay API v3, as much of it as Cunzhan calls."""

    def get(self, request, rest):
        return self._answer(request, rest)

    def post(self, request, rest):
        return self._answer(request, rest)

    def _answer(self, request, rest: str) -> HttpResponse:
        full = request.get_full_path()
        path = full[len(SIMULATOR_PATH):] if full.startswith(SIMULATOR_PATH) else full
        body = request.body.decode()
        if not simulator.wechat_authorization_ok(method=request.method, path=path, body=body,
                                                 authorization=request.headers.get("Authorization", "")):
            return _wechat_error(401, "SIGN_ERROR", "签名错误")
        data = json.loads(body) if body else {}
        parts = rest.strip("/").split("/")
        if parts == ["certificates"] and request.method == "GET":
            return self._certificates()
        if parts[:3] == ["pay", "transactions", parts[2] if len(parts) > 2 else ""] and len(parts) == 3 \
                and request.method == "POST" and parts[2] in ("native", "h5", "jsapi"):
            return self._create(parts[2], data)
        if parts[:3] == ["pay", "transactions", "out-trade-no"] and len(parts) >= 4:
            order = simulator.order_get(WECHAT, parts[3])
            if order is None:
                return _wechat_error(404, "ORDER_NOT_EXIST", "订单不存在")
            if len(parts) == 5 and parts[4] == "close" and request.method == "POST":
                if order["state"] in ("SUCCESS", "REFUND"):
                    return _wechat_error(400, "ORDERPAID", "订单已支付")
                order["state"] = "CLOSED"
                simulator.order_save(order)
                return _wechat_json(204, None)
            if request.method == "GET":
                return _wechat_json(200, _transaction(order))
        if parts == ["refund", "domestic", "refunds"] and request.method == "POST":
            return self._refund(data)
        if parts == ["bill", "tradebill"] and request.method == "GET":
            day = request.GET.get("bill_date", "")
            token = simulator.bill_token(WECHAT, day)
            content = gzip.compress(simulator.wechat_bill(day), mtime=0)
            return _wechat_json(200, {"hash_type": "SHA1", "hash_value": hashlib.sha1(content).hexdigest(),
                                      "download_url": f"{settings.SITE_URL.rstrip('/')}{SIMULATOR_PATH}/v3/billdownload/file?token={token}"})
        if parts == ["billdownload", "file"] and request.method == "GET":
            found = simulator.bill_for_token(request.GET.get("token", ""))
            if not found:
                return _wechat_error(404, "NO_STATEMENT_EXIST", "账单不存在")
            return HttpResponse(gzip.compress(simulator.wechat_bill(found[1]), mtime=0),
                                content_type="application/octet-stream")
        return _wechat_error(404, "NOT_FOUND", "接口不存在")

    @staticmethod
    def _certificates() -> HttpResponse:
        keys = simulator_keys()
        return _wechat_json(200, {"data": [{
            "serial_no": keys["wechat_platform_serial"], "effective_time": "2026-01-01T00:00:00+08:00",
            "expire_time": "2036-01-01T00:00:00+08:00",
            "encrypt_certificate": wechat_encrypt(keys["wechat_platform_certificate"], associated_data="certificate")}]})

    @staticmethod
    def _create(kind: str, data: dict) -> HttpResponse:
        amount = int((data.get("amount") or {}).get("total") or 0)
        out_trade_no = str(data.get("out_trade_no") or "")
        if data.get("mchid") != settings.WECHATPAY_SIMULATOR_MCHID or data.get("appid") != settings.WECHATPAY_SIMULATOR_APPID:
            return _wechat_error(400, "MCH_NOT_EXISTS", "商户号不存在")
        if not out_trade_no or not 6 <= len(out_trade_no) <= 32 or amount <= 0 or not data.get("notify_url"):
            return _wechat_error(400, "PARAM_ERROR", "参数错误")
        if kind == "jsapi" and not (data.get("payer") or {}).get("openid"):
            return _wechat_error(400, "PARAM_ERROR", "缺少payer.openid")
        order, created = simulator.order_create(
            wallet=WECHAT, out_trade_no=out_trade_no, amount_fen=amount, description=str(data.get("description", "")),
            notify_url=data["notify_url"], trade_type=kind.upper())
        if not created and order["amount_fen"] != amount:
            return _wechat_error(400, "INVALID_REQUEST", "商户订单号重复")
        if order["state"] in ("SUCCESS", "REFUND"):
            return _wechat_error(400, "ORDERPAID", "订单已支付")
        if kind == "native":
            return _wechat_json(200, {"code_url": simulator.pay_url(order)})
        if kind == "h5":
            return _wechat_json(200, {"h5_url": simulator.pay_url(order)})
        return _wechat_json(200, {"prepay_id": f"wx{order['token']}"})

    @staticmethod
    def _refund(data: dict) -> HttpResponse:
        order = simulator.order_get(WECHAT, str(data.get("out_trade_no") or ""))
        if order is None:
            return _wechat_error(404, "RESOURCE_NOT_EXISTS", "订单不存在")
        amount = data.get("amount") or {}
        if int(amount.get("total") or 0) != order["amount_fen"]:
            return _wechat_error(400, "PARAM_ERROR", "订单金额不一致")
        refund, error = simulator.order_refund(order, request_no=str(data.get("out_refund_no") or ""),
                                               amount_fen=int(amount.get("refund") or 0))
        if refund is None:
            return _wechat_error(403, "NOT_ENOUGH" if error == "INVALID_REQUEST" else error, "退款失败")
        return _wechat_json(200, {"refund_id": refund["refund_id"], "out_refund_no": refund["out_refund_no"],
                                  "transaction_id": order["transaction_id"], "out_trade_no": order["out_trade_no"],
                                  "status": "SUCCESS", "create_time": refund["at"],
                                  "amount": {"refund": refund["amount_fen"], "total": order["amount_fen"],
                                             "currency": "CNY"}})


def _alipay_answer(method: str, payload: dict) -> HttpResponse:
    return HttpResponse(simulator.alipay_response(method, payload), content_type="application/json;charset=utf-8")


def _alipay_error(method: str, sub_code: str, sub_msg: str, code: str = "40004") -> HttpResponse:
    return _alipay_answer(method, {"code": code, "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg})


@method_decorator(csrf_exempt, name="dispatch")
class AlipayGatewayView(_SimulatorOnly):
    """Alipay's gateway.do: server calls answer signed JSON; alipay.trade.wap.pay shows the pay page."""

    def get(self, request):
        return self._answer(request, dict(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)))

    def post(self, request):
        params = dict(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True))
        params.update(request.POST.dict())
        return self._answer(request, params)

    def _answer(self, request, params: dict) -> HttpResponse:
        method = params.get("method", "")
        if not simulator.alipay_request_ok(params):
            return HttpResponse(json.dumps({"error_response": {"code": "40002", "msg": "Invalid Arguments",
                                                               "sub_code": "isv.invalid-signature",
                                                               "sub_msg": "验签出错"}}, ensure_ascii=False),
                                content_type="application/json;charset=utf-8")
        try:
            biz = json.loads(params.get("biz_content") or "{}")
        except ValueError:
            return _alipay_error(method, "isv.invalid-parameter", "biz_content无效", "40002")
        out_trade_no = str(biz.get("out_trade_no") or "")
        if method in ("alipay.trade.precreate", "alipay.trade.wap.pay"):
            amount = fen(str(biz.get("total_amount") or "0"))
            if not out_trade_no or amount <= 0 or not params.get("notify_url"):
                return _alipay_error(method, "ACQ.INVALID_PARAMETER", "参数无效", "40002")
            order, created = simulator.order_create(
                wallet=ALIPAY, out_trade_no=out_trade_no, amount_fen=amount, description=str(biz.get("subject", "")),
                notify_url=params["notify_url"], trade_type="WAP" if method.endswith("wap.pay") else "QR",
                extra={"return_url": params.get("return_url", "")})
            if not created and order["amount_fen"] != amount:
                return _alipay_error(method, "ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改")
            if method == "alipay.trade.wap.pay":
                return _pay_page(request, order)
            return _alipay_answer(method, {"code": "10000", "msg": "Success", "out_trade_no": out_trade_no,
                                           "qr_code": simulator.pay_url(order)})
        if method == "alipay.data.dataservice.bill.downloadurl.query":
            day = str(biz.get("bill_date") or "")
            token = simulator.bill_token(ALIPAY, day)
            return _alipay_answer(method, {"code": "10000", "msg": "Success",
                                           "bill_download_url": f"{settings.SITE_URL.rstrip('/')}/sim/alipay/bill/{token}"})
        order = simulator.order_get(ALIPAY, out_trade_no)
        # A QR nobody scanned is not a trade at Alipay yet: query and close answer "no such trade".
        if order is None or (order["state"] == "NOTPAY" and order["trade_type"] == "QR" and not order.get("scanned")):
            return _alipay_error(method, "ACQ.TRADE_NOT_EXIST", "交易不存在")
        if method == "alipay.trade.query":
            state = {"NOTPAY": "WAIT_BUYER_PAY", "SUCCESS": "TRADE_SUCCESS", "CLOSED": "TRADE_CLOSED"}[order["state"]]
            answer = {"code": "10000", "msg": "Success", "out_trade_no": out_trade_no, "trade_no": order["transaction_id"],
                      "trade_status": state, "total_amount": yuan(order["amount_fen"])}
            if state == "TRADE_SUCCESS":
                answer.update(buyer_pay_amount=yuan(order["amount_fen"]), send_pay_date=order["paid_at"][:19].replace("T", " "))
            return _alipay_answer(method, answer)
        if method == "alipay.trade.close":
            if order["state"] == "SUCCESS":
                return _alipay_error(method, "ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
            order["state"] = "CLOSED"
            simulator.order_save(order)
            return _alipay_answer(method, {"code": "10000", "msg": "Success", "out_trade_no": out_trade_no,
                                           "trade_no": order["transaction_id"]})
        if method == "alipay.trade.refund":
            request_no = str(biz.get("out_request_no") or out_trade_no)
            refund, error = simulator.order_refund(order, request_no=request_no,
                                                   amount_fen=fen(str(biz.get("refund_amount") or "0")))
            if refund is None:
                return _alipay_error(method, f"ACQ.{error}", "退款失败")
            refunded = sum(r["amount_fen"] for r in order["refunds"])
            return _alipay_answer(method, {"code": "10000", "msg": "Success", "trade_no": order["transaction_id"],
                                           "out_trade_no": out_trade_no, "fund_change": "Y",
                                           "refund_fee": yuan(refunded), "buyer_logon_id": "sim***@example.cn"})
        return _alipay_error(method, "isv.invalid-method", "不存在的方法名", "40002")


class AlipayBillView(_SimulatorOnly):
    def get(self, request, token):
        found = simulator.bill_for_token(token)
        if not found or found[0] != ALIPAY:
            raise Http404
        return HttpResponse(simulator.alipay_bill(found[1]), content_type="application/zip")


def _pay_page(request, order: dict, *, outcome: str = "") -> HttpResponse:
    return render(request, "agency/wallet_simulator_pay.html", {
        "order": order, "wallet": order["wallet"], "amount_fen": order["amount_fen"], "outcome": outcome,
        "return_url": (order.get("extra") or {}).get("return_url", "")})


class WalletPayPageView(_SimulatorOnly):
    """The page behind the QR: what the payer's phone shows. Confirm pays and sends the notification;
    "pay, lose the notification" leaves the merchant to find out by a query (the unknown state)."""

    def get(self, request, wallet, token):
        order = simulator.order_by_token(token)
        if order is None or order["wallet"] != wallet:
            raise Http404
        if wallet == ALIPAY and not order.get("scanned"):
            order["scanned"] = True  # from now on the trade exists at Alipay (WAIT_BUYER_PAY)
            simulator.order_save(order)
        return _pay_page(request, order)

    def post(self, request, wallet, token):
        order = simulator.order_by_token(token)
        if order is None or order["wallet"] != wallet:
            raise Http404
        action = request.POST.get("action", "")
        if order["state"] != "NOTPAY" and action in ("pay", "pay_silent"):
            return _pay_page(request, order, outcome="already" if order["state"] == "SUCCESS" else "closed")
        if action == "pay":
            delivered = simulator.order_pay(order)
            return _pay_page(request, order, outcome="paid" if delivered else "paid_undelivered")
        if action == "pay_silent":
            simulator.order_pay(order, notify=False)
            return _pay_page(request, order, outcome="paid_undelivered")
        if action == "resend" and order["state"] in ("SUCCESS", "REFUND"):
            delivered = simulator.notify_send(order)
            return _pay_page(request, order, outcome="paid" if delivered else "paid_undelivered")
        return _pay_page(request, order)
