"""The client's address behind the TLS terminator: X-Forwarded-For is believed only from TRUSTED_PROXIES."""

import pytest
from django.test import RequestFactory

from core.http import client_address
from gov_services.requests.views_track import TRACK_ATTEMPTS

PROXY = "10.0.0.5"


def address(remote_addr: str, forwarded_for: str | None = None) -> str:
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client_address(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says(settings):
    settings.TRUSTED_PROXIES = []
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_a_forwarded_for_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_the_trusted_proxy_says_who_the_client_is(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address(PROXY, "198.51.100.1") == "198.51.100.1"


def test_what_the_client_wrote_in_front_of_the_proxys_entry_is_not_believed(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address(PROXY, "1.2.3.4, 198.51.100.1") == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.1"]
    assert address("10.0.0.9", "1.2.3.4, 198.51.100.1, 192.0.2.1") == "198.51.100.1"


def test_garbage_in_the_header_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert address(PROXY, "198.51.100.1, not-an-address") == PROXY


@pytest.mark.django_db
def test_visitors_behind_the_proxy_each_get_their_own_tracking_allowance(client, settings):
    """Before: every visitor had the proxy's address, so the whole county shared ten look-ups."""
    settings.TRUSTED_PROXIES = [PROXY]

    def track(visitor):
        return client.post("/track/", {"code": "7KQ4-M2XB-Q9", "phone_last4": "1234"},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor)

    for _ in range(TRACK_ATTEMPTS):
        assert track("198.51.100.1").status_code != 429
    assert track("198.51.100.1").status_code == 429
    assert track("198.51.100.2").status_code != 429
    # Coming round the proxy with a forged header buys no fresh allowance.
    assert client.post("/track/", {"code": "7KQ4-M2XB-Q9", "phone_last4": "1234"}, REMOTE_ADDR="198.51.100.1",
                       HTTP_X_FORWARDED_FOR="198.51.100.3").status_code == 429


def test_a_malformed_trusted_proxies_setting_stops_start_up_with_one_line():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "TRUSTED_PROXIES": "10.0.0.300"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env,
                            capture_output=True, text=True)
    assert result.returncode != 0
    assert "TRUSTED_PROXIES is malformed" in result.stderr
