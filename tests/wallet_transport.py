"""The only fake in the wallet tests: the HTTP transport.

`wallet_http` (a fixture, see tests/conftest.py users) makes every HTTP request that `requests` (WeChat Pay's
library, the simulator's notification sender) or `urllib` (Alipay's library) sends to SITE_URL go to this
Django's own URLs through the test client instead of a socket — so the simulators answer, and their
notifications reach our notify views, by the same code path as over the network. Anything else is refused
(no test leaves the machine). `faults` injects what a network does: {"substring of the path": "timeout" |
"reset" | 500} for the next matching requests.
"""

from __future__ import annotations

import io
import urllib.error
from urllib.parse import urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client
from requests.structures import CaseInsensitiveDict

from agency.wallets import alipay as alipay_client
from agency.wallets import wechat as wechat_client


class Transport:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.faults: dict[str, object] = {}
        self.calls: list[tuple[str, str]] = []

    def _fault(self, path: str):
        for fragment, fault in list(self.faults.items()):
            if fragment in path:
                return fault
        return None

    def handle(self, method: str, url: str, headers: dict, body: bytes | None):
        """(status, headers, content) from our own URLs; raises on a fault."""
        if not url.startswith(self.base):
            raise ConnectionRefusedError(f"no network in tests: {url}")
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.calls.append((method, path))
        fault = self._fault(path)
        if fault == "timeout":
            raise TimeoutError(f"timed out: {path}")
        if fault == "reset":
            raise ConnectionResetError(f"connection reset: {path}")
        if isinstance(fault, int):
            return fault, {"Content-Type": "text/plain"}, b"Service Unavailable"
        content_type = headers.get("Content-Type", "application/octet-stream")
        passed = {k: v for k, v in headers.items() if k.lower() not in ("content-type", "content-length", "host")}
        response = Client().generic(method, path, data=body or b"", content_type=content_type, headers=passed,
                                    secure=parts.scheme == "https")
        return response.status_code, dict(response.items()), response.content


@pytest.fixture
def wallet_http(settings, monkeypatch, tmp_path_factory):
    settings.ENABLE_SIMULATORS = True
    settings.WALLET_SIMULATORS = True
    settings.WECHATPAY_MCHID = settings.ALIPAY_APPID = ""
    settings.SITE_URL = "https://cunzhan.test"
    settings.ALLOWED_HOSTS = ["*"]
    cache.clear()
    wechat_client.client_cache_clear()
    alipay_client.client_cache_clear()
    transport = Transport(settings.SITE_URL)

    def send(adapter, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        body = request.body.encode() if isinstance(request.body, str) else request.body
        try:
            status, headers, content = transport.handle(request.method, request.url, dict(request.headers), body)
        except TimeoutError as error:
            raise requests.exceptions.ReadTimeout(str(error), request=request) from error
        except (ConnectionError, OSError) as error:
            raise requests.exceptions.ConnectionError(str(error), request=request) from error
        response = requests.Response()
        response.status_code, response._content, response.url = status, content, request.url
        response.headers = CaseInsensitiveDict(headers)
        response.encoding, response.request = "utf-8", request
        return response

    def urlopen(url, data=None, timeout=None):
        try:
            status, _headers, content = transport.handle("GET" if data is None else "POST", url, {}, data)
        except TimeoutError as error:
            raise TimeoutError(str(error)) from error
        except OSError as error:
            raise urllib.error.URLError(error) from error
        if status >= 400:
            raise urllib.error.HTTPError(url, status, "error", None, io.BytesIO(content))
        return io.BytesIO(content)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    monkeypatch.setattr("alipay.urlopen", urlopen)
    yield transport
    wechat_client.client_cache_clear()
    alipay_client.client_cache_clear()
