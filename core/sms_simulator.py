"""A loopback simulator of Aliyun SMS and Tencent Cloud SMS, for the demo and the tests.

It is a real HTTP server on 127.0.0.1 that the providers' official SDKs talk to unchanged (only their
endpoint points here, over plain HTTP). It checks each request the way the provider does:

* Aliyun (dysmsapi 2017-05-25, RPC style, signature ACS3-HMAC-SHA256): the canonical request rebuilt
  from the method, path, query, the signed headers and the payload hash (x-acs-content-sha256), HMAC'd
  with the AccessKey secret; the signature nonce may not repeat, the x-acs-date must be within 15
  minutes. Errors come as the gateway's: HTTP 400 SignatureDoesNotMatch / SignatureNonceUsed, HTTP 404
  InvalidAccessKeyId.NotFound, and SendSms's own HTTP 200 {"Code": "isv.…"} replies.
* Tencent Cloud (sms 2021-01-11, signature TC3-HMAC-SHA256): the canonical request over content-type and
  host, the credential scope date/sms/tc3_request and the derived signing key; X-TC-Timestamp within 5
  minutes. Errors come as {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure" …}}}, and
  per-number failures in SendStatusSet.

It answers SendSms with the provider's reply shape and keeps what it accepted (`sent`), so tests can
read the template code, sign name and parameters that arrived. `fail_next(code)` makes the next
request fail with a provider code; `hang_next()` makes it never answer (a timeout). Delivery receipts in
each provider's push shape come from `receipt_for` (and, when SMS_SIMULATOR_RECEIPT_URL is set, are
pushed there a moment after each message, as the providers do).

`simulator()` is the process's one instance, started on first use (the demo's SMS_*_ENDPOINT=simulator).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

logger = logging.getLogger("cunzhan.sms.simulator")

ALIYUN_ALGORITHM = "ACS3-HMAC-SHA256"
TENCENT_ALGORITHM = "TC3-HMAC-SHA256"
ALIYUN_SKEW = 15 * 60
TENCENT_SKEW = 5 * 60


@dataclass
class SimulatedSms:
    provider: str
    message_id: str
    phone: str
    sign_name: str
    template_code: str
    params: dict[str, str] | list[str]
    received_at: float = field(default_factory=time.time)


class SmsGatewaySimulator:
    def __init__(self, *, aliyun: dict[str, str] | None = None, tencent: dict[str, str] | None = None,
                 tencent_app_ids: tuple[str, ...] = (), receipt_push: Callable[[SimulatedSms], None] | None = None):
        self.aliyun_keys = dict(aliyun or {})  # AccessKey id → secret
        self.tencent_keys = dict(tencent or {})  # SecretId → SecretKey
        self.tencent_app_ids = set(tencent_app_ids)
        self.sent: list[SimulatedSms] = []
        self.requests = 0
        self._nonces: set[str] = set()
        self._failures: list[str] = []
        self._hangs = 0
        self._release = threading.Event()
        self._lock = threading.Lock()
        self.receipt_push = receipt_push
        self._receipts: queue.Queue = queue.Queue()
        self._pusher: threading.Thread | None = None
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with simulator._lock:
                    simulator.requests += 1
                    hang = simulator._hangs > 0
                    if hang:
                        simulator._hangs -= 1
                if hang:
                    simulator._release.wait(10)
                    return
                status, reply = simulator.answer(self.command, self.path, dict(self.headers.items()), body)
                raw = json.dumps(reply, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread: threading.Thread | None = None

    # -- control (tests)

    def start(self) -> SmsGatewaySimulator:
        if self._thread is None:  # a short poll: stop() (shutdown) waits for the loop's next poll
            self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                            daemon=True, name="sms-simulator")
            self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> SmsGatewaySimulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def fail_next(self, code: str) -> None:
        """The next SendSms fails with this provider code (as the provider would answer it)."""
        with self._lock:
            self._failures.append(code)

    def hang_next(self) -> None:
        """The next request is never answered (the client's timeout)."""
        with self._lock:
            self._hangs += 1

    def _next_failure(self) -> str | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    # -- the providers

    def answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        headers = {name.lower(): value for name, value in headers.items()}
        authorization = headers.get("authorization", "")
        if authorization.startswith(TENCENT_ALGORITHM):
            return self._tencent(method, path, headers, body)
        return self._aliyun(method, path, headers, body)

    def _accept(self, sms: SimulatedSms) -> None:
        with self._lock:
            self.sent.append(sms)
        if self.receipt_push is not None:
            if self._pusher is None:
                self._pusher = threading.Thread(target=self._push_loop, daemon=True, name="sms-simulator-receipts")
                self._pusher.start()
            self._receipts.put((time.monotonic() + 1.0, sms))

    def _push_loop(self) -> None:
        """One thread pushes the receipts, each about a second after its message (the row is marked sent
        by then), as the providers push them: by HTTP to the configured URL."""
        while True:
            due, sms = self._receipts.get()
            time.sleep(max(0.0, due - time.monotonic()))
            try:
                self.receipt_push(sms)
            except Exception as error:  # nobody listening (seed_demo runs without the server): no receipt
                logger.debug("the simulated receipt for %s could not be pushed: %s", sms.message_id, error)

    # Aliyun ----------------------------------------------------------------------------------------

    def _aliyun_error(self, status: int, code: str, message: str) -> tuple[int, dict]:
        return status, {"RequestId": str(uuid.uuid4()).upper(), "Code": code, "Message": message,
                        "HostId": "dysmsapi.aliyuncs.com"}

    def _aliyun(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        url = urlsplit(path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        auth = headers.get("authorization", "")
        if not auth.startswith(ALIYUN_ALGORITHM + " "):
            return self._aliyun_error(400, "MissingAuthorization", "Authorization is mandatory for this action.")
        fields = dict(part.split("=", 1) for part in auth[len(ALIYUN_ALGORITHM) + 1:].split(",") if "=" in part)
        key_id = fields.get("Credential", "")
        secret = self.aliyun_keys.get(key_id)
        if secret is None:
            return self._aliyun_error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        if hashlib.sha256(body).hexdigest() != headers.get("x-acs-content-sha256"):
            return self._aliyun_error(400, "IncompleteSignature", "The request signature does not conform.")
        signed = fields.get("SignedHeaders", "").split(";")
        canonical_query = "&".join(f"{name}={quote(query[name], safe='~')}" for name in sorted(query))
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
        canonical = "\n".join([method, url.path or "/", canonical_query, canonical_headers, ";".join(signed),
                               headers.get("x-acs-content-sha256", "")])
        to_sign = f"{ALIYUN_ALGORITHM}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        if not {"host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce"} <= set(signed) or \
                not hmac.compare_digest(expected, fields.get("Signature", "")):
            return self._aliyun_error(400, "SignatureDoesNotMatch", "Specified signature is not matched with our "
                                                                    "calculation.")
        try:
            stamp = datetime.strptime(headers.get("x-acs-date", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            return self._aliyun_error(400, "InvalidTimeStamp.Format", "Specified time stamp is not valid.")
        if abs(time.time() - stamp.timestamp()) > ALIYUN_SKEW:
            return self._aliyun_error(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is "
                                                                       "expired.")
        nonce = headers.get("x-acs-signature-nonce", "")
        with self._lock:
            replayed = nonce in self._nonces
            self._nonces.add(nonce)
        if replayed:
            return self._aliyun_error(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
        if headers.get("x-acs-action") != "SendSms" or headers.get("x-acs-version") != "2017-05-25":
            return self._aliyun_error(400, "InvalidAction.NotFound", "Specified api is not found.")
        request_id = str(uuid.uuid4()).upper()
        failure = self._next_failure()
        if failure == "Throttling.User":
            return self._aliyun_error(400, "Throttling.User", "Request was denied due to user flow control.")
        if failure == "isp.SYSTEM_ERROR.HTTP":
            return self._aliyun_error(503, "ServiceUnavailable", "The request has failed due to a temporary "
                                                                 "failure of the server.")
        if failure:
            return 200, {"RequestId": request_id, "Code": failure, "Message": failure}
        phone = query.get("PhoneNumbers", "")
        if not (phone.isdigit() and len(phone) == 11 and phone.startswith("1")):
            return 200, {"RequestId": request_id, "Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}
        if not query.get("SignName") or not query.get("TemplateCode"):
            return 200, {"RequestId": request_id, "Code": "isv.INVALID_PARAMETERS", "Message": "参数异常"}
        try:
            params = json.loads(query.get("TemplateParam") or "{}")
        except ValueError:
            return 200, {"RequestId": request_id, "Code": "isv.INVALID_JSON_PARAM", "Message": "JSON参数不合法"}
        biz_id = f"{int(time.time() * 1000) % 10**12:012d}^{uuid.uuid4().int % 10**10:010d}"
        self._accept(SimulatedSms("aliyun", biz_id, phone, query["SignName"], query["TemplateCode"], params))
        return 200, {"RequestId": request_id, "Code": "OK", "Message": "OK", "BizId": biz_id}

    # Tencent Cloud ---------------------------------------------------------------------------------

    def _tencent_error(self, code: str, message: str) -> tuple[int, dict]:
        return 200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": str(uuid.uuid4())}}

    def _tencent(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        auth = headers["authorization"][len(TENCENT_ALGORITHM) + 1:]
        fields = dict(part.strip().split("=", 1) for part in auth.split(",") if "=" in part)
        try:
            secret_id, date, service, terminator = fields.get("Credential", "").split("/")
        except ValueError:
            return self._tencent_error("AuthFailure.SignatureFailure", "The provided credentials could not be "
                                                                       "validated.")
        secret_key = self.tencent_keys.get(secret_id)
        if secret_key is None:
            return self._tencent_error("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure "
                                                                       "that your SecretId is correct.")
        try:
            timestamp = int(headers.get("x-tc-timestamp", ""))
        except ValueError:
            timestamp = 0
        if abs(time.time() - timestamp) > TENCENT_SKEW:
            return self._tencent_error("AuthFailure.SignatureExpire", "Signature expired.")
        signed = fields.get("SignedHeaders", "").split(";")
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
        canonical = "\n".join([method, urlsplit(path).path or "/", "", canonical_headers, ";".join(signed),
                               hashlib.sha256(body).hexdigest()])
        scope_date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
        to_sign = "\n".join([TENCENT_ALGORITHM, str(timestamp), f"{date}/{service}/{terminator}",
                             hashlib.sha256(canonical.encode()).hexdigest()])

        def _hmac(key: bytes, message: str) -> bytes:
            return hmac.new(key, message.encode(), hashlib.sha256).digest()

        signing = _hmac(_hmac(_hmac(("TC3" + secret_key).encode(), date), service), "tc3_request")
        expected = hmac.new(signing, to_sign.encode(), hashlib.sha256).hexdigest()
        if (date != scope_date or service != "sms" or terminator != "tc3_request"
                or not {"content-type", "host"} <= set(signed)
                or not hmac.compare_digest(expected, fields.get("Signature", ""))):
            return self._tencent_error("AuthFailure.SignatureFailure", "The provided credentials could not be "
                                                                       "validated. Please check your signature is "
                                                                       "correct.")
        if headers.get("x-tc-action") != "SendSms" or headers.get("x-tc-version") != "2021-01-11":
            return self._tencent_error("InvalidAction", "The requested action does not exist.")
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            return self._tencent_error("InvalidParameter", "The request body is not JSON.")
        if self.tencent_app_ids and request.get("SmsSdkAppId") not in self.tencent_app_ids:
            return self._tencent_error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId not exist.")
        failure = self._next_failure()
        if failure and not failure.startswith("status:"):
            return self._tencent_error(failure, failure)
        if not request.get("SignName") or not request.get("TemplateId"):
            return self._tencent_error("MissingParameter", "The SignName and TemplateId are required.")
        statuses = []
        for number in request.get("PhoneNumberSet") or []:
            local = number.removeprefix("+86")
            if failure:
                code, message, serial = failure.removeprefix("status:"), "failed", ""
            elif not (local.isdigit() and len(local) == 11 and local.startswith("1")):
                code, message, serial = "InvalidParameterValue.IncorrectPhoneNumber", "incorrect number", ""
            else:
                code, message = "Ok", "send success"
                serial = f"{uuid.uuid4().int % 10**4:04d}:{uuid.uuid4().int % 10**20:020d}{int(time.time())}"
                self._accept(SimulatedSms("tencent", serial, local, request["SignName"], request["TemplateId"],
                                          list(request.get("TemplateParamSet") or [])))
            statuses.append({"SerialNo": serial, "PhoneNumber": number, "Fee": 1 if serial else 0,
                             "SessionContext": request.get("SessionContext", ""), "Code": code, "Message": message,
                             "IsoCode": "CN"})
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": str(uuid.uuid4())}}


def receipt_for(sms: SimulatedSms, *, delivered: bool = True, code: str = "") -> list[dict]:
    """The delivery receipt the provider pushes for a message it accepted, in its own shape (a list)."""
    now = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    if sms.provider == "aliyun":
        return [{"phone_number": sms.phone, "send_time": now, "report_time": now, "success": delivered,
                 "err_code": code or ("DELIVERED" if delivered else "MK:0001"),
                 "err_msg": "用户接收成功" if delivered else "用户接收失败", "sms_size": "1",
                 "biz_id": sms.message_id, "out_id": ""}]
    return [{"user_receive_time": now, "nationcode": "86", "mobile": sms.phone,
             "report_status": "SUCCESS" if delivered else "FAIL", "errmsg": code or ("DELIVRD" if delivered else "UNDELIV"),
             "description": "用户短信送达成功" if delivered else "用户短信未送达", "sid": sms.message_id}]


_SIMULATOR: SmsGatewaySimulator | None = None
_SIMULATOR_LOCK = threading.Lock()


def simulator() -> SmsGatewaySimulator:
    """The process's simulator, started on first use with the credentials of the settings (so that the
    SDKs sign with the same keys the simulator checks)."""
    global _SIMULATOR
    from django.conf import settings

    with _SIMULATOR_LOCK:
        if _SIMULATOR is None:
            push = _push_to(settings.SMS_SIMULATOR_RECEIPT_URL) if settings.SMS_SIMULATOR_RECEIPT_URL else None
            _SIMULATOR = SmsGatewaySimulator(
                aliyun={settings.SMS_ALIYUN_ACCESS_KEY_ID: settings.SMS_ALIYUN_ACCESS_KEY_SECRET},
                tencent={settings.SMS_TENCENT_SECRET_ID: settings.SMS_TENCENT_SECRET_KEY},
                receipt_push=push).start()
        return _SIMULATOR


def _push_to(url_template: str) -> Callable[[SimulatedSms], None]:
    """Push receipts to `url_template` ({provider} is replaced by aliyun or tencent), as the providers do."""
    import urllib.request

    def push(sms: SimulatedSms) -> None:
        body = json.dumps(receipt_for(sms), ensure_ascii=False).encode()
        request = urllib.request.Request(url_template.format(provider=sms.provider), data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()

    return push
