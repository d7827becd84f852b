# ruff: noqa: F811  (pytest fixtures imported from certificate_helpers are redefined as arguments)
"""A bank clerk downloads the offline verifier while online, opens the saved file with the network off and
checks certificates from it: a real one is valid and its holder checks out, an altered one is forged; a
revocation reaches the saved copy only after "Refresh" while online, and the copy keeps it offline."""

import re

import pytest
from playwright.sync_api import expect

from gov_services.certificates import services
from tests.e2e.helpers import assert_ok
from tests.gov_services.certificate_helpers import (  # noqa: F401  fixtures
    HOLDER_NAME,
    approved,
    cert_item,
    holder,
    issued,
    seal,
)

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("private_files")]
PHONE = {"width": 375, "height": 740}


def verify(page, code: str) -> str:
    page.locator("#cz-code").fill(code)
    page.locator("#cz-check button[type=submit]").click()
    result = page.locator("#cz-result")
    expect(result).to_be_visible()
    expect(result).to_have_attribute("data-state", re.compile(r"\w+"))
    return result.get_attribute("data-state")


def altered(token: str) -> str:
    body, signature = token.rsplit(".", 1)
    return f"{body}.{('B' if signature[0] != 'B' else 'C')}{signature[1:]}"


def test_the_saved_verifier_checks_certificates_with_the_network_off(page, shot, issued, officer, tmp_path):
    page.set_viewport_size(PHONE)
    assert_ok(page.goto("/verify/"), "online verification page")
    page.get_by_role("link", name="打开离线核验页").click()
    expect(page.locator("h1")).to_have_text("证明核验（可离线使用）")
    with page.expect_download() as download:
        page.get_by_role("link", name="将本核验页下载为单个文件").click()
    saved = tmp_path / "verifier.html"
    download.value.save_as(saved)

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.context.set_offline(True)
    page.goto(saved.as_uri())
    expect(page.locator("#cz-network")).to_have_text("离线")

    assert verify(page, f"http://county.example/verify/{issued.token}") == "valid"
    expect(page.locator("#cz-result-title")).to_have_text("有效")
    expect(page.locator("#cz-result-facts")).to_contain_text("户籍证明")
    expect(page.locator("#cz-result-facts")).to_contain_text(issued.serial)
    page.locator("#cz-holder-name").fill(HOLDER_NAME)
    page.locator("#cz-holder-id").fill(issued.request.applicant_id_number.lower())
    page.locator("#cz-holder button[type=submit]").click()
    expect(page.locator("#cz-holder-answer")).to_have_attribute("data-match", "yes")
    shot("01-offline-valid-phone")

    assert verify(page, altered(issued.token)) == "forged"
    expect(page.locator("#cz-result-title")).to_have_text("伪造或被篡改")
    assert verify(page, "not a code at all") == "forged"
    shot("02-offline-forged-phone")

    # The department revokes it. The saved copy cannot know until it is refreshed while online.
    services.certificate_revoke(certificate=issued, actor=officer, reason="证明内容有误")
    assert verify(page, issued.token) == "valid"
    page.locator("#cz-refresh").click()
    expect(page.locator("#cz-refresh-status")).to_contain_text("无法连接")

    page.context.set_offline(False)
    page.locator("#cz-refresh").click()
    expect(page.locator("#cz-refresh-status")).to_contain_text("已更新")
    expect(page.locator("#cz-result")).to_have_attribute("data-state", "revoked")

    page.context.set_offline(True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(saved.as_uri())  # the refreshed list was kept in this browser
    assert verify(page, issued.token) == "revoked"
    expect(page.locator("#cz-result-title")).to_have_text("已吊销")
    shot("03-offline-revoked-desktop")
    assert errors == []


def test_the_saved_verifier_checks_sm2_and_ed25519_certificates_with_the_network_off(
        page, shot, settings, issued, cert_item, station, officer, county_admin, seal, tmp_path,
        django_capture_on_commit_callbacks):
    """A county that switched to SM2 (国密): the saved page checks the new SM2 certificates with the vendored
    sm-crypto and the earlier Ed25519 ones with WebCrypto, both with the network off."""
    from tests.gov_services.certificate_helpers import approved_request

    settings.CERTIFICATE_TOKEN_ALGORITHM = "SM2"
    services.signing_key_rotate(department=cert_item.department, actor=county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        sm2 = services.certificate_issue(request=approved_request(cert_item, station, officer), actor=officer)
    sm2.refresh_from_db()
    assert sm2.signing_key.algorithm == "SM2" and issued.signing_key.algorithm == "Ed25519"

    response = page.request.get("/verify/offline/?download=1")
    assert response.ok and "SM2" in response.text()
    saved = tmp_path / "verifier.html"
    saved.write_text(response.text(), encoding="utf-8")

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.context.set_offline(True)
    page.goto(saved.as_uri())
    expect(page.locator("#cz-network")).to_have_text("离线")

    assert verify(page, f"http://county.example/verify/{sm2.token}") == "valid"
    expect(page.locator("#cz-result-facts")).to_contain_text(sm2.serial)
    page.locator("#cz-holder-name").fill(HOLDER_NAME)
    page.locator("#cz-holder-id").fill(sm2.request.applicant_id_number)
    page.locator("#cz-holder button[type=submit]").click()
    expect(page.locator("#cz-holder-answer")).to_have_attribute("data-match", "yes")
    shot("04-offline-sm2-valid")
    assert verify(page, altered(sm2.token)) == "forged"
    body, signature = sm2.token.rsplit(".", 1)
    assert verify(page, f"{body[:-1]}{'A' if body[-1] != 'A' else 'B'}.{signature}") == "forged"
    assert verify(page, issued.token) == "valid"  # the Ed25519 one, signed before the switch

    # Revoked online, then refreshed: the SM2-signed revocation section is trusted offline too.
    services.certificate_revoke(certificate=sm2, actor=officer, reason="证明内容有误")
    page.context.set_offline(False)
    page.locator("#cz-refresh").click()
    expect(page.locator("#cz-refresh-status")).to_contain_text("已更新")
    page.context.set_offline(True)
    assert verify(page, sm2.token) == "revoked"
    assert errors == []
