
"""Verifying and revoking certificates (gov_services/certificates/services): encrypted signing keys and their
rotation, forged, tampered and expired tokens, revocation and the signed revocation list."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent
from gov_services.certificates import selectors, services, tokens
from gov_services.models import Certificate, SigningKey

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


# --- Keys ----------------------------------------------------------------------------------------

def test_keys_are_stored_encrypted_and_rotation_keeps_old_certificates_valid(
        issued_no_pdf, department, county_admin):
    old = issued_no_pdf.signing_key
    assert "ENCRYPTED PRIVATE KEY" in old.private_key_pem
    new = services.signing_key_rotate(department=department, actor=county_admin)
    old.refresh_from_db()
    assert old.retired_at is not None and new.retired_at is None and new.key_id != old.key_id
    assert selectors.certificate_verify(token=issued_no_pdf.token).state == "valid"
    assert {k["key_id"] for k in selectors.public_keys()} == {old.key_id, new.key_id}


def test_a_token_signed_by_a_leaked_key_for_a_serial_never_issued_is_forged(issued_no_pdf):
    private = services.setup.private_key_of(issued_no_pdf.signing_key)
    claims, _signed, _signature = tokens.parse_token(issued_no_pdf.token)
    fake = tokens.sign_token(tokens.Claims(**{**claims.__dict__, "serial": "130225-2026-999999"}), private)
    assert selectors.certificate_verify(token=fake).state == "forged"


@pytest.mark.parametrize("mutate", [
    lambda t: t[:-3] + ("AAA" if t[-3:] != "AAA" else "BBB"),
    lambda t: t.replace(".HJZM.", ".HJZN."),
    lambda t: "nonsense",
    lambda t: "",
])
def test_tampered_tokens_verify_as_forged_with_a_reason(issued_no_pdf, mutate):
    result = selectors.certificate_verify(token=mutate(issued_no_pdf.token))
    assert result.state == "forged" and result.reason and not result.serial


def test_an_expired_certificate_says_so(issued_no_pdf):
    result = selectors.certificate_verify(token=issued_no_pdf.token,
                                          today=issued_no_pdf.expires_on + datetime.timedelta(days=1))
    assert result.state == "expired" and result.serial == issued_no_pdf.serial


# --- Revocation ----------------------------------------------------------------------------------

def test_revocation_shows_at_once_with_its_reason_and_is_audited(issued_no_pdf, officer):
    services.certificate_revoke(certificate=issued_no_pdf, actor=officer, reason="信息有误，重新开具")
    result = selectors.certificate_verify(token=issued_no_pdf.token)
    assert result.state == "revoked" and result.revocation_reason == "信息有误，重新开具"
    assert AuditEvent.objects.filter(action="certificate.revoke", actor=officer).exists()
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=issued_no_pdf, actor=officer, reason="again")


def test_revocation_needs_a_reason_and_the_issuing_department(issued_no_pdf, officer, county_admin):
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=issued_no_pdf, actor=officer, reason="  ")
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(certificate=issued_no_pdf, actor=county_admin, reason="x")
    issued_no_pdf.refresh_from_db()
    assert issued_no_pdf.status == Certificate.Status.VALID


def test_after_revocation_a_new_certificate_can_be_issued_for_the_request(issued_no_pdf, approved, officer):
    services.certificate_revoke(certificate=issued_no_pdf, actor=officer, reason="重开")
    again = services.certificate_issue(request=approved, actor=officer)
    assert again.pk != issued_no_pdf.pk and again.number == issued_no_pdf.number + 1


def test_the_revocation_list_is_signed_per_department(issued_no_pdf, officer):
    services.certificate_revoke(certificate=issued_no_pdf, actor=officer, reason="错误")
    document = services.revocation_list_build()
    [section] = document["sections"]
    signature = tokens.b64url_decode(section.pop("signature"))
    assert section["revoked"] == [{"serial": issued_no_pdf.serial,
                                   "revoked_on": timezone.localdate().isoformat()}]
    public = tokens.b64url_decode(SigningKey.objects.get(key_id=section["key_id"]).public_key)
    assert tokens.verify_bytes(public, tokens.canonical_json(section), signature)
    section["revoked"] = []
    assert not tokens.verify_bytes(public, tokens.canonical_json(section), signature)


