
"""Per-official signing keys and personal seals: issue, import, sign, verify, revoke."""

import datetime
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from gov_services.certificates import selectors, services, tokens
from gov_services.models import CertificateType, SigningKey
from tests.factories import DepartmentMembershipFactory, UserFactory
from tests.gov_services.certificate_helpers import (
    approved_request,
    issue_committed,
    pdf_rendering_held,
    seal_png,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


@pytest.fixture
def head(department):
    user = UserFactory(full_name="赵主任")
    DepartmentMembershipFactory(department=department, user=user, is_head=True)
    return user


@pytest.fixture
def officer_b(department):
    user = UserFactory(full_name="李四")
    DepartmentMembershipFactory(department=department, user=user)
    return user


def issue(request, actor, capture):
    """Issued and committed; no test here reads the PDF, so it is not rendered."""
    return issue_committed(request, actor, capture, render_pdf=False)


def test_head_issues_a_key_and_the_certificate_names_the_official_and_verifies_with_their_key(
        head, officer, approved, seal, django_capture_on_commit_callbacks):
    key = services.official_key_issue(department=approved.department, official=officer, actor=head)
    certificate = issue(approved, officer, django_capture_on_commit_callbacks)
    assert certificate.signing_key == key and certificate.signed_by == officer
    claims, *_ = tokens.parse_token(certificate.token)
    assert claims.key_id == key.key_id
    assert tokens.verify_token(certificate.token, public_key_for={key.key_id: tokens.b64url_decode(key.public_key)}.get).ok
    result = selectors.certificate_verify(token=certificate.token)
    assert result.is_valid and result.signed_by == selectors.official_display_name(officer)
    published = {k["key_id"]: k for k in selectors.public_keys()}
    assert published[key.key_id]["official"] == selectors.official_display_name(officer)
    assert AuditEvent.objects.filter(action="official_key.issue", actor=head).exists()


def test_without_an_own_key_the_department_key_signs_and_no_official_is_named(
        officer, approved, seal, django_capture_on_commit_callbacks):
    certificate = issue(approved, officer, django_capture_on_commit_callbacks)
    assert certificate.signing_key.official is None and certificate.signed_by is None


def test_revoking_one_officials_key_leaves_the_others_and_earlier_certificates_valid(
        head, officer, officer_b, approved, cert_item, station, seal, django_capture_on_commit_callbacks):
    key_a = services.official_key_issue(department=approved.department, official=officer, actor=head)
    key_b = services.official_key_issue(department=approved.department, official=officer_b, actor=head)
    signed_by_a = issue(approved, officer, django_capture_on_commit_callbacks)
    services.official_key_revoke(key=key_a, actor=head, reason="调离本部门")
    key_a.refresh_from_db(), key_b.refresh_from_db()
    assert key_a.revoked_at and key_a.retired_at and key_b.revoked_at is None and key_b.retired_at is None
    assert selectors.certificate_verify(token=signed_by_a.token).is_valid  # issued before the revocation
    # A token the revoked key signs later (a stolen key) is refused, online and in the published list.
    later = timezone.localdate() + datetime.timedelta(days=1)
    forged = tokens.sign_token(tokens.Claims(key_id=key_a.key_id, serial=signed_by_a.serial, type_code="HJZM",
                                             issued_on=later, expires_on=None, holder_digest=b"0" * 16),
                               services.setup.private_key_of(key_a))
    assert selectors.certificate_verify(token=forged).state == "forged"
    assert {k["key_id"]: k for k in selectors.public_keys()}[key_a.key_id]["revoked_on"] == str(timezone.localdate())
    # A's next certificate falls back to the department's key; B still signs with their own.
    second = issue(approved_request(cert_item, station, officer_b), officer_b, django_capture_on_commit_callbacks)
    assert second.signing_key == key_b
    third = issue(approved_request(cert_item, station, officer), officer, django_capture_on_commit_callbacks)
    assert third.signing_key.official is None
    assert AuditEvent.objects.filter(action="official_key.revoke", data__reason="调离本部门").exists()


def test_a_new_key_retires_the_old_one_and_a_double_click_makes_no_second_key(head, officer, department):
    first = services.official_key_issue(department=department, official=officer, actor=head, replacing="")
    again = services.official_key_issue(department=department, official=officer, actor=head, replacing="")
    assert again == first
    second = services.official_key_issue(department=department, official=officer, actor=head,
                                         replacing=first.key_id)
    first.refresh_from_db()
    assert second != first and first.retired_at and first.revoked_at is None
    assert SigningKey.objects.filter(official=officer, retired_at__isnull=True).count() == 1


def test_an_imported_ed25519_key_signs_and_other_keys_are_refused(head, officer, department):
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(b"secret")).decode()
    with pytest.raises(ValidationError) as wrong:
        services.official_key_import(department=department, official=officer, actor=head, private_key_pem=pem,
                                     passphrase="nope")
    assert "private_key_pem" in wrong.value.message_dict
    key = services.official_key_import(department=department, official=officer, actor=head, private_key_pem=pem,
                                       passphrase="secret")
    assert key.imported and key.public_key == tokens.b64url(tokens.public_key_raw(private))
    assert "secret" not in key.private_key_pem and "BEGIN ENCRYPTED PRIVATE KEY" in key.private_key_pem
    with pytest.raises(ValidationError) as reused:  # each official needs their own key
        services.official_key_import(department=department, official=officer, actor=head, private_key_pem=pem,
                                     passphrase="secret")
    assert "private_key_pem" in reused.value.message_dict and SigningKey.objects.filter(official=officer).count() == 1
    from cryptography.hazmat.primitives.asymmetric import ec

    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    with pytest.raises(ValidationError):
        services.official_key_import(department=department, official=officer, actor=head, private_key_pem=ec_pem)


def test_only_the_head_or_county_admin_manage_keys_and_only_for_members(
        head, officer, officer_b, county_admin, department, township_admin):
    with pytest.raises(PermissionDenied):
        services.official_key_issue(department=department, official=officer_b, actor=officer)
    with pytest.raises(PermissionDenied):
        services.official_key_issue(department=department, official=officer_b, actor=township_admin)
    assert services.official_key_issue(department=department, official=officer_b, actor=county_admin)
    with pytest.raises(ValidationError):  # not an officer of the department
        services.official_key_issue(department=department, official=UserFactory(), actor=head)


def test_an_item_that_requires_a_personal_seal_refuses_without_one_and_prints_it_with_one(
        head, officer, approved, seal, django_capture_on_commit_callbacks):
    CertificateType.objects.filter(item=approved.item).update(personal_seal_required=True)
    with pytest.raises(ValidationError) as no_key:
        services.certificate_issue(request=approved, actor=officer)
    assert no_key.value.code == "no_official_key"
    services.official_key_issue(department=approved.department, official=officer, actor=head)
    with pytest.raises(ValidationError) as no_seal:
        services.certificate_issue(request=approved, actor=officer)
    assert no_seal.value.code == "no_official_seal"
    services.official_seal_upload(department=approved.department, official=officer, content=seal_png(150),
                                  actor=head)
    certificate = issue(approved, officer, django_capture_on_commit_callbacks)
    assert certificate.signed_by == officer and certificate.layout["official_seal_sha256"]
    assert "cz-cert-seal-official" in services.certificate_html(certificate)


def test_automatic_issue_is_signed_by_the_official_who_approved(
        head, officer, cert_item, station, seal, django_capture_on_commit_callbacks):
    CertificateType.objects.filter(item=cert_item).update(auto_issue=True)
    key = services.official_key_issue(department=cert_item.department, official=officer, actor=head)
    with pdf_rendering_held(), django_capture_on_commit_callbacks(execute=True):
        request = approved_request(cert_item, station, officer)
    certificate = request.certificates.get()
    assert certificate.issued_by is None and certificate.signed_by == officer and certificate.signing_key == key


# --- The screens ---------------------------------------------------------------------------------------

def test_head_issues_uploads_a_seal_and_revokes_through_the_page(client, head, officer, department):
    client.force_login(head)
    page = reverse("gov_services:official-keys", args=[department.pk])
    assert client.get(reverse("gov_services:official-key-departments")).url == page
    response = client.get(page)
    assert response.status_code == 200 and selectors.official_display_name(officer) in response.content.decode()
    client.post(reverse("gov_services:official-key-issue", args=[department.pk, officer.pk]), {"current": ""})
    key = SigningKey.objects.get(official=officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(reverse("gov_services:official-seal", args=[department.pk, officer.pk]),
                {"image": SimpleUploadedFile("seal.png", seal_png(), content_type="image/png")})
    image = client.get(reverse("gov_services:official-seal", args=[department.pk, officer.pk]))
    assert image.status_code == 200 and b"".join(image.streaming_content) == seal_png()
    client.post(reverse("gov_services:official-key-revoke", args=[department.pk, key.pk]), {"reason": "遗失"})
    key.refresh_from_db()
    assert key.revocation_reason == "遗失"
    assert "遗失" in client.get(page).content.decode()


def test_import_page_shows_a_clear_error_for_a_bad_key(client, head, officer, department):
    client.force_login(head)
    response = client.post(reverse("gov_services:official-key-import", args=[department.pk, officer.pk]),
                           {"private_key_pem": "-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----"})
    assert response.status_code == 400 and not SigningKey.objects.filter(official=officer).exists()


def test_an_officer_cannot_manage_keys_and_another_departments_head_gets_404(client, officer, department, tree):
    client.force_login(officer)
    assert client.get(reverse("gov_services:official-keys", args=[department.pk])).status_code == 403


def test_offline_verifier_carries_the_officials_public_keys(client, head, officer, department):
    key = services.official_key_issue(department=department, official=officer, actor=head)
    response = client.get(reverse("gov_services:certificate-offline-verifier"))
    assert response.status_code == 200 and key.public_key in response.content.decode()
    keys = json.loads(client.get(reverse("gov_services:certificate-public-keys")).content)
    listed = keys["keys"] if isinstance(keys, dict) else keys
    assert any(k["key_id"] == key.key_id and k["official"] for k in listed)
