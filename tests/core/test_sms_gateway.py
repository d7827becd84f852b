"""The Aliyun and Tencent Cloud adapters, through their official SDKs, against the loopback simulator.

Only the network leaves the machine in production, so the simulator (core/sms_simulator.py) is a real
HTTP server on 127.0.0.1: the SDKs build, sign and send their requests unchanged, and the simulator
checks the provider's signature (ACS3-HMAC-SHA256, TC3-HMAC-SHA256) and answers with its codes.
"""

import json

import pytest

from core.sms import SmsMessage, SmsRejectedError, SmsTransientError
from core.sms_gateways import AliyunSmsBackend, TencentSmsBackend
from core.sms_simulator import SmsGatewaySimulator

ALIYUN_ID, ALIYUN_SECRET = "LTAI5tTestAccessKey", "aliyun-secret-of-the-county"
TENCENT_ID, TENCENT_KEY, TENCENT_APP = "AKIDTestSecretId", "tencent-secret-key", "1400000001"


@pytest.fixture
def simulator(settings):
    with SmsGatewaySimulator(aliyun={ALIYUN_ID: ALIYUN_SECRET}, tencent={TENCENT_ID: TENCENT_KEY},
                             tencent_app_ids=(TENCENT_APP,)) as sim:
        settings.SMS_ALIYUN_ENDPOINT = sim.url
        settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET = ALIYUN_ID, ALIYUN_SECRET
        settings.SMS_TENCENT_ENDPOINT = sim.url
        settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY = TENCENT_ID, TENCENT_KEY
        settings.SMS_TENCENT_SDK_APP_ID = TENCENT_APP
        settings.SMS_TIMEOUT = 1
        yield sim


MESSAGE = SmsMessage(phone="13812345678", text="您的订单P-1已到李家村服务站，取货码482913", purpose="pickup_code",
                     params={"ref": "P-1", "station": "李家村服务站", "code": "482913", "hours": "8-18"},
                     template_code="SMS_465890123", sign_name="乐亭村站", param_names=("ref", "station", "code"))


# --- Aliyun SMS (dysmsapi 2017-05-25) -------------------------------------------------------------------


def test_aliyun_sends_the_template_with_its_named_parameters_and_returns_the_biz_id(simulator):
    biz_id = AliyunSmsBackend().send(MESSAGE)
    [sms] = simulator.sent
    assert biz_id == sms.message_id and "^" in biz_id
    assert (sms.phone, sms.sign_name, sms.template_code) == ("13812345678", "乐亭村站", "SMS_465890123")
    assert sms.params == {"ref": "P-1", "station": "李家村服务站", "code": "482913"}  # only the template's


def test_aliyun_a_wrong_secret_fails_the_signature_check_for_good(simulator, settings):
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    with pytest.raises(SmsRejectedError, match="SignatureDoesNotMatch"):
        AliyunSmsBackend().send(MESSAGE)
    assert simulator.sent == []


def test_aliyun_an_unknown_access_key_is_rejected_for_good(simulator, settings):
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "LTAI5tSomeoneElse"
    with pytest.raises(SmsRejectedError, match=r"InvalidAccessKeyId.NotFound"):
        AliyunSmsBackend().send(MESSAGE)


def test_aliyun_an_invalid_number_is_rejected_for_good(simulator):
    bad = SmsMessage(**{**MESSAGE.__dict__, "phone": "1381234"})
    with pytest.raises(SmsRejectedError, match=r"isv.MOBILE_NUMBER_ILLEGAL"):
        AliyunSmsBackend().send(bad)


@pytest.mark.parametrize(("code", "outcome"), [
    ("isv.BUSINESS_LIMIT_CONTROL", SmsTransientError),  # flow control per minute/hour: later
    ("Throttling.User", SmsTransientError),  # HTTP 400 throttling of the account
    ("isp.SYSTEM_ERROR.HTTP", SmsTransientError),  # HTTP 503
    ("isv.AMOUNT_NOT_ENOUGH", SmsTransientError),  # the county tops up its balance
    ("isv.DAY_LIMIT_CONTROL", SmsRejectedError),  # the number's quota for today is spent
    ("isv.SMS_TEMPLATE_ILLEGAL", SmsRejectedError),
    ("isv.SMS_SIGNATURE_ILLEGAL", SmsRejectedError),
])
def test_aliyun_error_codes_are_sorted_into_retry_or_give_up(simulator, code, outcome):
    simulator.fail_next(code)
    with pytest.raises(outcome):
        AliyunSmsBackend().send(MESSAGE)


def test_aliyun_a_gateway_that_does_not_answer_in_time_is_worth_a_retry(simulator):
    simulator.hang_next()
    with pytest.raises(SmsTransientError, match="unreachable"):
        AliyunSmsBackend().send(MESSAGE)


def test_aliyun_an_unreachable_gateway_is_worth_a_retry(settings):
    settings.SMS_ALIYUN_ENDPOINT = "http://127.0.0.1:9"  # discard port: nobody listens
    settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET = ALIYUN_ID, ALIYUN_SECRET
    with pytest.raises(SmsTransientError):
        AliyunSmsBackend().send(MESSAGE)


def test_aliyun_without_credentials_is_a_configuration_error_not_a_retry(settings):
    settings.SMS_ALIYUN_ACCESS_KEY_ID = ""
    with pytest.raises(SmsRejectedError, match="SMS_ALIYUN_ACCESS_KEY_ID"):
        AliyunSmsBackend()


def test_aliyun_a_replayed_request_is_refused_by_its_nonce(simulator):
    """The simulator checks what Aliyun checks: a signed request sent twice is refused the second time."""
    import urllib.request

    captured = {}
    original = simulator.answer

    def capture(method, path, headers, body):
        captured.update(method=method, path=path, headers=headers, body=body)
        return original(method, path, headers, body)

    simulator.answer = capture
    AliyunSmsBackend().send(MESSAGE)
    request = urllib.request.Request(simulator.url + captured["path"], data=captured["body"], method="POST",
                                     headers=captured["headers"])
    try:
        urllib.request.urlopen(request, timeout=2)
        status, reply = 200, {}
    except urllib.error.HTTPError as error:
        status, reply = error.code, json.loads(error.read())
    assert (status, reply["Code"]) == (400, "SignatureNonceUsed")
    assert len(simulator.sent) == 1


# --- Tencent Cloud SMS (sms 2021-01-11) -----------------------------------------------------------------


def test_tencent_sends_the_template_with_its_parameters_in_order_and_returns_the_serial_number(simulator):
    serial = TencentSmsBackend().send(SmsMessage(**{**MESSAGE.__dict__, "template_code": "1938475",
                                                    "param_names": ("station", "code")}))
    [sms] = simulator.sent
    assert serial == sms.message_id and ":" in serial
    assert (sms.phone, sms.sign_name, sms.template_code, sms.params) == (
        "13812345678", "乐亭村站", "1938475", ["李家村服务站", "482913"])


def test_tencent_a_wrong_secret_key_fails_the_signature_check_for_good(simulator, settings):
    settings.SMS_TENCENT_SECRET_KEY = "not-the-key"
    with pytest.raises(SmsRejectedError, match=r"AuthFailure.SignatureFailure"):
        TencentSmsBackend().send(MESSAGE)
    assert simulator.sent == []


def test_tencent_an_unknown_secret_id_or_app_is_rejected_for_good(simulator, settings):
    settings.SMS_TENCENT_SECRET_ID = "AKIDSomeoneElse"
    with pytest.raises(SmsRejectedError, match=r"AuthFailure.SecretIdNotFound"):
        TencentSmsBackend().send(MESSAGE)
    settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SDK_APP_ID = TENCENT_ID, "1400999999"
    with pytest.raises(SmsRejectedError, match="SdkAppIdNotExist"):
        TencentSmsBackend().send(MESSAGE)


@pytest.mark.parametrize(("code", "outcome"), [
    ("RequestLimitExceeded", SmsTransientError),
    ("InternalError.Timeout", SmsTransientError),
    ("FailedOperation.TemplateIncorrectOrUnapproved", SmsRejectedError),
    ("status:LimitExceeded.PhoneNumberThirtySecondLimit", SmsTransientError),  # passes by itself
    ("status:LimitExceeded.PhoneNumberDailyLimit", SmsRejectedError),  # not today any more
    ("status:FailedOperation.InsufficientBalanceInSmsPackage", SmsTransientError),
    ("status:InvalidParameterValue.IncorrectPhoneNumber", SmsRejectedError),
])
def test_tencent_error_codes_are_sorted_into_retry_or_give_up(simulator, code, outcome):
    simulator.fail_next(code)
    with pytest.raises(outcome):
        TencentSmsBackend().send(MESSAGE)


def test_tencent_a_gateway_that_does_not_answer_in_time_is_worth_a_retry(simulator):
    simulator.hang_next()
    with pytest.raises(SmsTransientError, match="ClientNetworkError"):
        TencentSmsBackend().send(MESSAGE)


def test_tencent_without_credentials_is_a_configuration_error_not_a_retry(settings):
    settings.SMS_TENCENT_SDK_APP_ID = ""
    with pytest.raises(SmsRejectedError, match="SMS_TENCENT_SDK_APP_ID"):
        TencentSmsBackend()


def test_a_message_without_a_template_code_is_refused_before_the_network(simulator):
    for backend in (AliyunSmsBackend(), TencentSmsBackend()):
        with pytest.raises(SmsRejectedError, match="no template"):
            backend.send(SmsMessage(phone="13812345678", text="x", purpose="pickup_code"))
    assert simulator.requests == 0


# --- simulator or real: by settings alone -----------------------------------------------------------------


def test_the_endpoint_setting_switches_between_the_simulator_and_the_provider(settings):
    settings.SMS_ALIYUN_ENDPOINT = "simulator"
    settings.SMS_TENCENT_ENDPOINT = "simulator"
    assert not AliyunSmsBackend.is_real() and not TencentSmsBackend.is_real()
    settings.SMS_ALIYUN_ENDPOINT = "dysmsapi.aliyuncs.com"
    settings.SMS_TENCENT_ENDPOINT = "sms.tencentcloudapi.com"
    assert AliyunSmsBackend.is_real() and TencentSmsBackend.is_real()


def test_the_process_simulator_signs_with_the_settings_keys_and_takes_both_providers(settings):
    settings.SMS_ALIYUN_ENDPOINT = settings.SMS_TENCENT_ENDPOINT = "simulator"
    settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "sim-ak", "sim-secret"
    settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY = "sim-id", "sim-key"
    settings.SMS_TENCENT_SDK_APP_ID = "1400000000"
    from core import sms_simulator

    sms_simulator._SIMULATOR = None  # a fresh one for these settings
    try:
        assert AliyunSmsBackend().send(MESSAGE)
        assert TencentSmsBackend().send(MESSAGE)
        assert [sms.provider for sms in sms_simulator.simulator().sent] == ["aliyun", "tencent"]
    finally:
        sms_simulator.simulator().stop()
        sms_simulator._SIMULATOR = None


def test_the_simulator_pushes_each_providers_receipt_shape_to_the_receipt_url(settings):
    """As the providers do (the demo's simulator pushes to the site's own /sms/receipts/…/<token>/)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from core.sms_simulator import _push_to

    pushed, arrived = [], threading.Event()

    class Receiver(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            pushed.append((self.path, json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
            self.send_response(200)
            self.end_headers()
            if len(pushed) == 2:
                arrived.set()

    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/sms/receipts/{{provider}}/tok/"
    try:
        with SmsGatewaySimulator(aliyun={ALIYUN_ID: ALIYUN_SECRET}, tencent={TENCENT_ID: TENCENT_KEY},
                                 receipt_push=_push_to(url)) as sim:
            settings.SMS_ALIYUN_ENDPOINT = settings.SMS_TENCENT_ENDPOINT = sim.url
            settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET = ALIYUN_ID, ALIYUN_SECRET
            settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY = TENCENT_ID, TENCENT_KEY
            settings.SMS_TENCENT_SDK_APP_ID = TENCENT_APP
            biz_id = AliyunSmsBackend().send(MESSAGE)
            serial = TencentSmsBackend().send(MESSAGE)
            assert arrived.wait(10)
    finally:
        receiver.shutdown()
        receiver.server_close()
    by_path = dict(pushed)
    [aliyun] = by_path["/sms/receipts/aliyun/tok/"]
    [tencent] = by_path["/sms/receipts/tencent/tok/"]
    assert (aliyun["biz_id"], aliyun["success"], aliyun["phone_number"]) == (biz_id, True, "13812345678")
    assert (tencent["sid"], tencent["report_status"], tencent["mobile"]) == (serial, "SUCCESS", "13812345678")
