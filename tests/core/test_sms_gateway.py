"""The HTTP gateway adapter against a local simulator of a Chinese SMS provider's API.

Only the network leaves the machine in production, so the simulator is a real HTTP server on
127.0.0.1 that checks the request's signature the way the provider does and answers with its codes.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core.sms import (
    HttpGatewayBackend,
    SmsMessage,
    SmsRejectedError,
    SmsTransientError,
    gateway_signature,
)

ACCOUNT = "LTAI-test-account"
KEY = "gateway-secret"


class GatewaySimulator:
    """A provider: verifies the signature and answers as told (`mode`)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.received: list[dict] = []
        self.release = threading.Event()  # a "hang" reply waits for this
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                simulator.received.append(body)
                status, reply = simulator.answer(body)
                if reply is None:
                    simulator.release.wait(5)
                    return
                raw = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/send"

    def answer(self, body: dict):
        fields = {k: v for k, v in body.items() if k != "Signature"}
        if body.get("Signature") != gateway_signature(fields=fields, key=KEY):
            return 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched"}
        if self.mode == "ok":
            return 200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "r-1"}
        if self.mode == "bad_number":
            return 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}
        if self.mode == "throttled":
            return 200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控"}
        if self.mode == "server_error":
            return 502, b"<html>Bad Gateway</html>"
        return 200, None  # "hang": never answers in time

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    with GatewaySimulator() as simulator:
        settings.SMS_HTTP_URL = simulator.url
        settings.SMS_HTTP_ACCOUNT = ACCOUNT
        settings.SMS_HTTP_KEY = KEY
        settings.SMS_HTTP_SIGN_NAME = "乐亭村站"
        settings.SMS_HTTP_TIMEOUT = 0.5
        yield simulator


MESSAGE = SmsMessage(phone="13812345678", text="您的事项7KQ4-M2XB-Y已办结")


def test_a_message_the_gateway_accepts_returns_its_message_id(gateway):
    assert HttpGatewayBackend().send(MESSAGE) == "900619746936498440^0"
    sent = gateway.received[0]
    assert sent["PhoneNumbers"] == "13812345678"
    assert sent["Content"] == "您的事项7KQ4-M2XB-Y已办结"
    assert sent["SignName"] == "乐亭村站"
    assert sent["AccessKeyId"] == ACCOUNT


def test_each_request_carries_a_fresh_nonce(gateway):
    HttpGatewayBackend().send(MESSAGE)
    HttpGatewayBackend().send(MESSAGE)
    assert gateway.received[0]["SignatureNonce"] != gateway.received[1]["SignatureNonce"]


def test_a_wrong_key_is_rejected_for_good(gateway, settings):
    settings.SMS_HTTP_KEY = "not-the-key"
    with pytest.raises(SmsRejectedError, match="SignatureDoesNotMatch"):
        HttpGatewayBackend().send(MESSAGE)


def test_an_invalid_number_is_rejected_for_good(gateway):
    gateway.mode = "bad_number"
    with pytest.raises(SmsRejectedError, match="MOBILE_NUMBER_ILLEGAL"):
        HttpGatewayBackend().send(MESSAGE)


def test_throttling_is_worth_a_retry(gateway):
    gateway.mode = "throttled"
    with pytest.raises(SmsTransientError, match="BUSINESS_LIMIT_CONTROL"):
        HttpGatewayBackend().send(MESSAGE)


def test_a_server_error_page_is_worth_a_retry(gateway):
    gateway.mode = "server_error"
    with pytest.raises(SmsTransientError, match="HTTP 502"):
        HttpGatewayBackend().send(MESSAGE)


def test_a_gateway_that_does_not_answer_in_time_is_worth_a_retry(gateway):
    gateway.mode = "hang"
    with pytest.raises(SmsTransientError, match="unreachable"):
        HttpGatewayBackend().send(MESSAGE)


def test_an_unreachable_gateway_is_worth_a_retry(settings):
    with GatewaySimulator() as closed:
        url = closed.url
    settings.SMS_HTTP_URL, settings.SMS_HTTP_ACCOUNT, settings.SMS_HTTP_KEY = url, ACCOUNT, KEY
    with pytest.raises(SmsTransientError):
        HttpGatewayBackend().send(MESSAGE)


def test_a_gateway_without_credentials_is_a_configuration_error_not_a_retry(settings):
    settings.SMS_HTTP_URL = ""
    with pytest.raises(SmsRejectedError, match="SMS_HTTP_URL"):
        HttpGatewayBackend().send(MESSAGE)


def test_the_signature_depends_on_every_field_and_the_key():
    fields = {"PhoneNumbers": "13812345678", "Content": "a", "Timestamp": "t", "SignatureNonce": "n"}
    base = gateway_signature(fields=fields, key=KEY)
    assert base == gateway_signature(fields=dict(reversed(fields.items())), key=KEY)
    assert base != gateway_signature(fields={**fields, "Content": "b"}, key=KEY)
    assert base != gateway_signature(fields=fields, key="other")
