"""Delivery receipts of the SMS gateways: whether the handset got the message (core/sms/ sent it).

Both providers push receipts as a JSON array by HTTP POST to a URL configured in their console, with no
signature of their own (Aliyun's SmsReport "HTTP批量推送", Tencent Cloud's "短信下发状态回调"), so the URL
carries a secret token: /sms/receipts/<provider>/<SMS_RECEIPT_TOKEN>/. A wrong token (or none set) is a
404. Each receipt names the gateway's message id (Aliyun biz_id, Tencent sid); the first receipt of a
message is recorded on its outbox row, a replayed or later one changes nothing. The reply is the one
each provider expects, also for receipts of messages we do not know (else it pushes them again).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from core.models import SmsOutboxMessage

logger = logging.getLogger("cunzhan.sms")

ERROR_LENGTH = 200


@dataclass(frozen=True)
class Receipt:
    gateway_id: str
    phone: str
    delivered: bool
    code: str


def _aliyun(item: dict) -> Receipt:
    success = item.get("success")
    delivered = success is True or str(success).lower() == "true"
    return Receipt(gateway_id=str(item["biz_id"]), phone=str(item.get("phone_number", "")), delivered=delivered,
                   code=f"{item.get('err_code', '')} {item.get('err_msg', '')}".strip())


def _tencent(item: dict) -> Receipt:
    return Receipt(gateway_id=str(item["sid"]), phone=str(item.get("mobile", "")),
                   delivered=item.get("report_status") == "SUCCESS",
                   code=f"{item.get('errmsg', '')} {item.get('description', '')}".strip())


PARSERS = {"aliyun": _aliyun, "tencent": _tencent}
# What each provider expects back: anything else and it pushes the batch again.
REPLIES = {"aliyun": {"code": 0, "msg": "成功"}, "tencent": {"result": 0, "errmsg": "OK"}}


def sms_receipts_parse(*, provider: str, payload: bytes) -> list[Receipt]:
    """The receipts of one push; ValueError for a body that is not the provider's shape."""
    data = json.loads(payload.decode("utf-8"))
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ValueError("a receipt push is a JSON array of objects")
    try:
        return [PARSERS[provider](item) for item in data]
    except KeyError as error:
        raise ValueError(f"a receipt without {error}") from error


def sms_receipts_record(receipts: list[Receipt]) -> int:
    """Record each receipt on its outbox row, unless the row already has one; how many rows changed.
    A receipt whose number does not end as the row's does (its last four digits) is ignored."""
    changed = 0
    now = timezone.now()
    for receipt in receipts:
        if not receipt.gateway_id:
            continue
        rows = SmsOutboxMessage.objects.filter(gateway_id=receipt.gateway_id,
                                               delivery=SmsOutboxMessage.Delivery.UNKNOWN)
        if receipt.phone:
            rows = rows.filter(phone__endswith=receipt.phone[-4:])
        changed += rows.update(
            delivery=SmsOutboxMessage.Delivery.DELIVERED if receipt.delivered else SmsOutboxMessage.Delivery.UNDELIVERED,
            delivered_at=now, delivery_error="" if receipt.delivered else receipt.code[:ERROR_LENGTH])
    return changed


@method_decorator(csrf_exempt, name="dispatch")
class SmsReceiptView(View):
    """POST /sms/receipts/<provider>/<token>/: one provider's push of delivery receipts."""

    def post(self, request, provider: str, token: str):
        expected = settings.SMS_RECEIPT_TOKEN
        if provider not in PARSERS or not expected or not constant_time_compare(token, expected):
            raise Http404
        try:
            receipts = sms_receipts_parse(provider=provider, payload=request.body)
        except (ValueError, UnicodeDecodeError):
            return HttpResponseBadRequest("not a receipt push")
        changed = sms_receipts_record(receipts)
        logger.info("SMS receipts from %s: %d received, %d recorded", provider, len(receipts), changed)
        return JsonResponse(REPLIES[provider], json_dumps_params={"ensure_ascii": False})
