"""The adapters of China's SMS gateways, through their official SDKs (core/sms/ chooses and calls them).

* `AliyunSmsBackend` — Aliyun SMS, dysmsapi 2017-05-25 SendSms (`alibabacloud_dysmsapi20170525`):
  PhoneNumbers, SignName, TemplateCode and TemplateParam (a JSON object of the template's variables);
  the SDK signs with ACS3-HMAC-SHA256. The reply's BizId is what the delivery receipt names.
* `TencentSmsBackend` — Tencent Cloud SMS, sms 2021-01-11 SendSms (`tencentcloud-sdk-python-sms`):
  SmsSdkAppId, SignName, TemplateId and TemplateParamSet (the variables in the template's order, {1},
  {2} …), the number as +86…; the SDK signs with TC3-HMAC-SHA256. The SerialNo is the receipt's sid.

Each reads its SMS_<PROVIDER>_* settings. An endpoint of "simulator" sends to the loopback simulator
(core/sms_simulator.py) instead, with the same SDK code path: the demo, and a county trying the platform
before its templates are approved; `is_real()` is then False and built-in templates are allowed.

Errors are sorted into SmsRejectedError (no retry can cure them: bad credentials or signature, an
invalid number, an unapproved sign name or template, the day's quota for the number spent) and
SmsTransientError (timeouts, unreachable, 5xx, throttling, an empty balance the county can top up).
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.conf import settings

from core.sms import BaseBackend, SmsMessage, SmsRejectedError, SmsTransientError

SIMULATOR = "simulator"


def _endpoint(value: str) -> tuple[str, str, bool]:
    """(scheme, host[:port], simulated) of an endpoint setting ("simulator", a host, or a URL)."""
    if value == SIMULATOR:
        from core.sms_simulator import simulator

        value, simulated = simulator().url, True
    else:
        simulated = False
    url = urlsplit(value if "://" in value else f"https://{value}")
    return url.scheme, url.netloc, simulated


# --- Aliyun ----------------------------------------------------------------------------------------------

# SendSms codes that no retry can cure (https://help.aliyun.com/document_detail/101346.html); any other
# code that is not "OK" (flow control per minute or hour, "system error", an empty balance) is retried.
ALIYUN_PERMANENT = frozenset({
    "isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.INVALID_PARAMETERS", "isv.INVALID_JSON_PARAM",
    "isv.PARAM_LENGTH_LIMIT", "isv.PARAM_NOT_SUPPORT_URL", "isv.TEMPLATE_MISSING_PARAMETERS",
    "isv.TEMPLATE_PARAMS_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.SMS_SIGN_ILLEGAL", "isv.SMS_CONTENT_ILLEGAL", "isv.BLACK_KEY_CONTROL_LIMIT", "isv.DENY_IP_RANGE",
    "isv.ACCOUNT_NOT_EXISTS", "isv.ACCOUNT_ABNORMAL", "isv.DAY_LIMIT_CONTROL", "isv.EXTEND_CODE_ERROR",
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED", "isv.OUT_OF_SERVICE", "isv.PRODUCT_UN_SUBSCRIPT",
    "isv.PRODUCT_UNSUBSCRIBE", "isv.SECURITY_FROZEN_ACCOUNT", "isv.RAM_PERMISSION_DENY",
    "InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive", "SignatureDoesNotMatch",
    "IncompleteSignature", "MissingAuthorization", "Forbidden.RAM", "InvalidTimeStamp.Format",
})
ALIYUN_TRANSIENT = frozenset({
    "isv.BUSINESS_LIMIT_CONTROL", "isv.AMOUNT_NOT_ENOUGH", "isp.SYSTEM_ERROR", "isp.RAM_PERMISSION_DENY",
    "Throttling.User", "Throttling", "ServiceUnavailable", "InternalError", "SignatureNonceUsed",
    "InvalidTimeStamp.Expired",
})


def aliyun_outcome(code: str, detail: str) -> SmsRejectedError | SmsTransientError:
    error = f"aliyun {code}: {detail}"
    if code in ALIYUN_PERMANENT or (code not in ALIYUN_TRANSIENT and code.startswith("isv.")):
        return SmsRejectedError(error)
    return SmsTransientError(error)


class AliyunSmsBackend(BaseBackend):
    provider = "aliyun"

    @classmethod
    def is_real(cls) -> bool:
        return settings.SMS_ALIYUN_ENDPOINT != SIMULATOR

    def __init__(self) -> None:
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.utils_models import Config

        if not (settings.SMS_ALIYUN_ACCESS_KEY_ID and settings.SMS_ALIYUN_ACCESS_KEY_SECRET):
            raise SmsRejectedError("SMS_ALIYUN_ACCESS_KEY_ID and SMS_ALIYUN_ACCESS_KEY_SECRET must be set")
        scheme, host, _simulated = _endpoint(settings.SMS_ALIYUN_ENDPOINT)
        timeout_ms = int(settings.SMS_TIMEOUT * 1000)
        self.client = Client(Config(
            access_key_id=settings.SMS_ALIYUN_ACCESS_KEY_ID, access_key_secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET,
            endpoint=host, protocol=scheme, region_id=settings.SMS_ALIYUN_REGION,
            connect_timeout=timeout_ms, read_timeout=timeout_ms))

    def send(self, message: SmsMessage) -> str:
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest
        from darabonba.exceptions import DaraException, UnretryableException
        from darabonba.runtime import RuntimeOptions

        if not message.template_code:
            raise SmsRejectedError(f"no template code for {message.purpose}")
        params = dict(message.ordered_params())
        request = SendSmsRequest(phone_numbers=message.phone, sign_name=message.sign_name,
                                 template_code=message.template_code,
                                 template_param=json.dumps(params, ensure_ascii=False) if params else None)
        try:
            response = self.client.send_sms_with_options(request, RuntimeOptions())
        except UnretryableException as error:  # the network: refused, reset, timed out
            raise SmsTransientError(f"aliyun unreachable: {error}") from error
        except DaraException as error:  # the gateway's HTTP 4xx/5xx with a code
            code = getattr(error, "code", "") or ""
            status = getattr(error, "status_code", None) or 0
            if status >= 500:
                raise SmsTransientError(f"aliyun HTTP {status} {code}: {error}") from error
            raise aliyun_outcome(code, str(getattr(error, "message", error))) from error
        body = response.body
        if body.code == "OK":
            return body.biz_id or ""
        raise aliyun_outcome(body.code or "", body.message or "")


# --- Tencent Cloud -------------------------------------------------------------------------------------

# Error codes (https://cloud.tencent.com/document/product/382/55981) worth another try later; the others
# (authentication, an unapproved sign or template, an invalid number, the number's daily/hourly quota,
# a disabled account) fail at once. A 30-second limit per number passes by itself.
TENCENT_TRANSIENT = frozenset({
    "RequestLimitExceeded", "LimitExceeded.PhoneNumberThirtySecondLimit", "LimitExceeded.DeliveryFrequencyLimit",
    "InternalError", "InternalError.Timeout", "InternalError.RequestTimeException", "InternalError.RestApiInterfaceNotExist",
    "InternalError.SendAndRecvFail", "InternalError.OtherError", "InternalError.UnknownError",
    "FailedOperation.InsufficientBalanceInSmsPackage", "FailedOperation.FailResolvePacket",
    "ClientNetworkError", "ServerNetworkError", "AuthFailure.SignatureExpire",
})


def tencent_outcome(code: str, detail: str) -> SmsRejectedError | SmsTransientError:
    error = f"tencent {code}: {detail}"
    if code in TENCENT_TRANSIENT or code.startswith("InternalError"):
        return SmsTransientError(error)
    return SmsRejectedError(error)


class TencentSmsBackend(BaseBackend):
    provider = "tencent"

    @classmethod
    def is_real(cls) -> bool:
        return settings.SMS_TENCENT_ENDPOINT != SIMULATOR

    def __init__(self) -> None:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111.sms_client import SmsClient

        if not (settings.SMS_TENCENT_SECRET_ID and settings.SMS_TENCENT_SECRET_KEY and settings.SMS_TENCENT_SDK_APP_ID):
            raise SmsRejectedError("SMS_TENCENT_SECRET_ID, SMS_TENCENT_SECRET_KEY and SMS_TENCENT_SDK_APP_ID must be set")
        scheme, host, _simulated = _endpoint(settings.SMS_TENCENT_ENDPOINT)
        profile = ClientProfile(httpProfile=HttpProfile(protocol=scheme, endpoint=host,
                                                        reqTimeout=max(1, round(settings.SMS_TIMEOUT))))
        self.client = SmsClient(credential.Credential(settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY),
                                settings.SMS_TENCENT_REGION, profile)

    def send(self, message: SmsMessage) -> str:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111.models import SendSmsRequest

        if not message.template_code:
            raise SmsRejectedError(f"no template id for {message.purpose}")
        request = SendSmsRequest()
        request.SmsSdkAppId = settings.SMS_TENCENT_SDK_APP_ID
        request.SignName = message.sign_name
        request.TemplateId = message.template_code
        request.TemplateParamSet = [value for _name, value in message.ordered_params()]
        request.PhoneNumberSet = [message.phone if message.phone.startswith("+") else f"+86{message.phone}"]
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            raise tencent_outcome(error.get_code() or "", error.get_message() or "") from error
        statuses = response.SendStatusSet or []
        if not statuses:
            raise SmsTransientError("tencent: no send status in the reply")
        status = statuses[0]
        if status.Code == "Ok":
            return status.SerialNo or ""
        raise tencent_outcome(status.Code or "", status.Message or "")
