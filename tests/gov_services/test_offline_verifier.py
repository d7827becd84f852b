
"""The offline verifier page over HTTP: one self-contained file carrying the keys, the signed revocations
and the type titles. Its script is exercised in a real browser, offline, by tests/e2e/test_offline_verifier.py."""

import json
import re

import pytest
from django.urls import reverse

from gov_services.certificates.tokens import b64url_decode, canonical_json, verify_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]
URL = "/verify/offline/"


def _data(html: str) -> dict:
    match = re.search(r'<script id="cz-verifier-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_the_page_has_a_stable_address_and_is_linked_from_the_online_check(client):
    assert reverse("gov_services:certificate-offline-verifier") == URL
    assert URL in client.get(reverse("gov_services:certificate-verify")).content.decode()


def test_the_page_loads_nothing_from_outside_itself(client, issued_no_pdf):
    html = client.get(URL).content.decode()
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", html)
    style = re.search(r"<style[^>]*>(.*?)</style>", html, re.S).group(1)
    assert "@import" not in style and "url(" not in style
    assert "crypto.subtle.verify" in html  # the script is inside the page


def test_the_page_carries_the_keys_the_revocations_and_the_type_titles(client, issued_no_pdf, officer):
    from gov_services.certificates import services

    services.certificate_revoke(certificate=issued_no_pdf, actor=officer, reason="证明内容有误")
    data = _data(client.get(URL).content.decode())
    [key] = data["keys"]
    assert key["key_id"] == issued_no_pdf.signing_key.key_id
    assert key["public_key"] == issued_no_pdf.signing_key.public_key
    assert data["types"] == {"HJZM": "户籍证明"}
    [section] = data["revocations"]["sections"]
    assert section["revoked"] == [{"serial": issued_no_pdf.serial,
                                   "revoked_on": section["revoked"][0]["revoked_on"]}]
    body = {k: v for k, v in section.items() if k != "signature"}
    assert verify_bytes(b64url_decode(key["public_key"]), canonical_json(body), b64url_decode(section["signature"]))
    assert data["keys_path"] == "/verify/keys.json" and data["revocations_path"] == "/verify/revocations.json"


def test_the_page_is_in_chinese_first_and_the_scripts_texts_follow_the_language(client, issued_no_pdf):
    html = client.get(URL).content.decode()
    assert '<html lang="zh-hans">' in html and "证明核验（可离线使用）" in html
    messages = json.loads(re.search(r'id="cz-verifier-messages" type="application/json">(.*?)</script>',
                                    html, re.S).group(1))
    assert messages["state_valid"] == "有效" and messages["state_revoked"] == "已吊销"


def test_download_gives_the_same_page_as_a_file(client, issued_no_pdf):
    response = client.get(URL, {"download": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cunzhan-certificate-verifier.html"'
    assert "cz-verifier-data" in response.content.decode()


def test_the_keys_and_revocations_can_be_refreshed_from_a_saved_copy(client, issued_no_pdf):
    for name in ("certificate-public-keys", "certificate-revocations"):
        assert client.get(reverse(f"gov_services:{name}"))["Access-Control-Allow-Origin"] == "*"
