"""The one place a webhook leaves the machine: an HTTP POST of the signed body to the channel's URL.

The adapter speaks real HTTP (requests), so tests point a channel at a receiver on 127.0.0.1."""

import time
from dataclasses import dataclass

import requests

CONNECT_TIMEOUT, READ_TIMEOUT = 3, 10


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(*, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    started = time.monotonic()
    try:
        response = requests.post(url, data=body, headers=headers, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                                 allow_redirects=False)
    except requests.RequestException as error:
        return Outcome(None, f"{type(error).__name__}: {error}"[:500], _ms(started))
    error = "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}: {response.text[:200]}"
    return Outcome(response.status_code, error, _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
