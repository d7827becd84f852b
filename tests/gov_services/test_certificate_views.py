
"""Certificate screens over HTTP: county set-up, issue from the request page, the certificate page,
public verification (paste, photo, token URL, keys, revocation list, rate limit), the wallet; and who
may see a certificate (only the holder, the issuing department, admins of the region, the station)."""

import io
import uuid

import pytest
import segno
from django.http import Http404
from django.urls import reverse

from accounts.roles import Role
from core.models import AuditEvent
from gov_services.certificates import selectors
from gov_services.certificates.views_verify import VERIFY_ATTEMPTS
from gov_services.models import Certificate, CertificateType, DepartmentSeal
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    ServiceRequestFactory,
    UserFactory,
    staff_user,
)
from tests.gov_services.certificate_helpers import HOLDER_NAME, seal_png

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


def url(name, *args):
    return reverse(f"gov_services:{name}", args=args)


# --- Access per role ---------------------------------------------------------------------------------

@pytest.fixture
def other_officer(tree):
    user = UserFactory(roles=[Role.OFFICER])
    DepartmentMembershipFactory(department=DepartmentFactory(region=tree["county"]), user=user)
    return user


@pytest.fixture
def other_township_admin(tree):
    return staff_user(Role.TOWNSHIP_ADMIN, region=tree["townships"][1])


@pytest.fixture
def other_operator(other_station):
    return staff_user(Role.OPERATOR, station=other_station)


@pytest.mark.parametrize(("who", "sees"), [
    ("holder", True), ("officer", True), ("county_admin", True), ("township_admin", True),
    ("station_operator", True), ("superuser", True),
    ("resident", False), ("other_officer", False), ("other_township_admin", False), ("other_operator", False),
])
def test_access_certificate_by_id_per_role(request, issued_no_pdf, who, sees):
    user = request.getfixturevalue(who)
    if sees:
        assert selectors.access_certificate_by_id(user=user, certificate_id=issued_no_pdf.pk) == issued_no_pdf
    else:
        with pytest.raises(Http404):
            selectors.access_certificate_by_id(user=user, certificate_id=issued_no_pdf.pk)


def test_station_staff_lose_sight_of_a_certificate_that_is_mailed(issued_no_pdf, officer, station_operator):
    from gov_services.certificates import services

    services.certificate_mail(certificate=issued_no_pdf, actor=officer, address="某地", tracking_number="EMS1")
    with pytest.raises(Http404):
        selectors.access_certificate_by_id(user=station_operator, certificate_id=issued_no_pdf.pk)


@pytest.mark.parametrize(("who", "status"), [
    ("holder", 200), ("officer", 200), ("county_admin", 200), ("resident", 404), ("other_officer", 404)])
def test_the_pdf_is_served_only_to_those_who_may_see_it(request, client, issued, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url("certificate-pdf", issued.pk))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("roles", [[Role.MERCHANT], []])
def test_the_certificate_pages_are_forbidden_to_accounts_neither_staff_nor_resident(
        client, issued_no_pdf, roles):
    client.force_login(UserFactory(roles=roles))
    assert client.get(url("certificate-detail", issued_no_pdf.pk)).status_code == 403
    assert client.get(url("certificate-pdf", issued_no_pdf.pk)).status_code == 403


@pytest.mark.parametrize(("name", "data"), [
    ("certificate-revoke", {"reason": "信息有误"}), ("certificate-mail", {"address": "某地", "tracking_number": "EMS1"}),
    ("certificate-delivery", {"delivery": "office"}), ("certificate-render-retry", {}),
    ("certificate-print", {"collector_is_holder": "holder", "id_checked": "on"})])
@pytest.mark.parametrize("who", ["county_admin", "holder"])
def test_a_certificates_actions_are_forbidden_without_a_department_before_the_form_is_read(
        request, client, issued_no_pdf, name, data, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(url(name, issued_no_pdf.pk), data)
    issued_no_pdf.refresh_from_db()
    assert response.status_code == 403 and issued_no_pdf.status == "valid" and not issued_no_pdf.delivery
    assert not issued_no_pdf.prints.exists()


def test_the_wallet_lists_only_the_residents_own_certificates(client, issued_no_pdf, holder, resident):
    client.force_login(holder)
    assert [c.pk for c in client.get(url("certificate-wallet")).context["certificates"]] == [issued_no_pdf.pk]
    client.force_login(resident)
    response = client.get(url("certificate-wallet"))
    assert response.status_code == 200 and list(response.context["certificates"]) == []


def test_the_wallet_needs_sign_in(client):
    assert client.get(url("certificate-wallet")).status_code == 302


@pytest.mark.parametrize(("who", "status"), [
    ("county_admin", 200), ("superuser", 200), ("township_admin", 403), ("officer", 403), ("resident", 403)])
def test_only_county_staff_set_up_certificates(request, client, cert_item, department, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("certificate-type-list")).status_code == status
    assert client.get(url("certificate-type-edit", cert_item.pk)).status_code == status
    assert client.get(url("certificate-department", department.pk)).status_code == status


# --- County set-up screens -----------------------------------------------------------------------------

def _layout_post(**overrides):
    data = {"title": "户籍证明", "code": "HJZM", "validity_days": "90", "auto_issue": "on", "is_active": "on",
            "body_html": "<h1>{{ title }}</h1><p>{{ holder_name }} {{ form.purpose }}</p>{{ seal }}{{ qr }}",
            "css": "h1 { color: #a11; }"}
    return {**data, **overrides}


def test_county_staff_preview_a_layout_without_saving_it(client, county_admin, cert_item):
    client.force_login(county_admin)
    response = client.post(url("certificate-type-edit", cert_item.pk),
                           _layout_post(title="新标题", preview="1"))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert "新标题" in preview and "张三" in preview and "〔用途〕" in preview and 'lang="zh-Hans"' in preview
    assert 'sandbox=""' in response.content.decode()
    assert CertificateType.objects.get(item=cert_item).title == "户籍证明"


def test_county_staff_save_a_layout_and_errors_come_back_beside_the_field(client, county_admin, cert_item):
    client.force_login(county_admin)
    response = client.post(url("certificate-type-edit", cert_item.pk), _layout_post(body_html="{{ bogus }}"))
    assert response.status_code == 400 and response.context["form"].errors["body_html"]
    response = client.post(url("certificate-type-edit", cert_item.pk), _layout_post(title="户籍证明（新）"))
    assert response.status_code == 302
    ctype = CertificateType.objects.get(item=cert_item)
    assert (ctype.title, ctype.validity_days, ctype.auto_issue, ctype.updated_by) == (
        "户籍证明（新）", 90, True, county_admin)


def test_county_staff_upload_the_seal_and_rotate_the_key(client, county_admin, department):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(county_admin)
    response = client.post(url("certificate-department", department.pk),
                           {"image": SimpleUploadedFile("seal.png", seal_png(), content_type="image/png")})
    assert response.status_code == 302 and DepartmentSeal.objects.filter(department=department).exists()
    assert client.get(url("certificate-department-seal", department.pk)).status_code == 200
    assert client.post(url("certificate-key-rotate", department.pk)).status_code == 302
    assert department.signing_keys.filter(retired_at__isnull=True).count() == 1
    page = client.get(url("certificate-department", department.pk)).content.decode()
    assert "PRIVATE KEY" not in page


def test_the_county_chooses_sm2_for_a_departments_new_key_while_the_platform_default_stays_ed25519(
        client, county_admin, department, settings):
    settings.CERTIFICATE_TOKEN_ALGORITHM = "Ed25519"
    client.force_login(county_admin)
    page = client.get(url("certificate-department", department.pk)).content.decode()
    assert 'name="algorithm" value="Ed25519" checked' in page and "GB/T 32918" in page
    response = client.post(url("certificate-key-rotate", department.pk), {"algorithm": "SM2"}, follow=True)
    key = department.signing_keys.get(retired_at__isnull=True)
    assert key.algorithm == "SM2" and "SM2" in response.content.decode()
    assert 'name="algorithm" value="SM2" checked' in response.content.decode()  # the key in use is offered next
    assert AuditEvent.objects.filter(action="signing_key.rotate").last().data["algorithm"] == "SM2"
    refused = client.post(url("certificate-key-rotate", department.pk), {"algorithm": "RSA"}, follow=True)
    assert "请选择 Ed25519 或 SM2" in refused.content.decode()
    assert department.signing_keys.get(retired_at__isnull=True) == key  # nothing rotated


def test_a_bad_seal_upload_is_refused_beside_the_field(client, county_admin, department):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(county_admin)
    response = client.post(url("certificate-department", department.pk),
                           {"image": SimpleUploadedFile("seal.png", b"GIF89a nope", content_type="image/png")})
    assert response.status_code == 400 and response.context["form"].errors["image"]


# --- Issue from the request page ------------------------------------------------------------------

def test_the_officer_issues_from_the_request_page(client, approved, officer, seal):
    client.force_login(officer)
    page = client.get(url("dept-request-detail", approved.pk))
    assert page.context["certificate_panel"]["can_issue"] and url("certificate-issue", approved.pk) in \
        page.content.decode()
    response = client.post(url("certificate-issue", approved.pk))
    certificate = Certificate.objects.get(request=approved)
    assert response.url == url("certificate-detail", certificate.pk)
    client.post(url("certificate-issue", approved.pk))  # a second click
    assert Certificate.objects.filter(request=approved).count() == 1
    detail = client.get(url("certificate-detail", certificate.pk))
    assert detail.status_code == 200 and certificate.serial in detail.content.decode()


def test_issuing_without_a_seal_explains_why_and_issues_nothing(client, approved, officer):
    client.force_login(officer)
    response = client.post(url("certificate-issue", approved.pk), follow=True)
    assert not Certificate.objects.exists()
    assert any("seal" in str(m) or "印章" in str(m) for m in response.context["messages"])


def test_the_officer_revokes_and_the_page_shows_it(client, issued_no_pdf, officer):
    client.force_login(officer)
    response = client.post(url("certificate-revoke", issued_no_pdf.pk), {"reason": ""})
    assert response.status_code == 400 and response.context["revoke_form"].errors["reason"]
    client.post(url("certificate-revoke", issued_no_pdf.pk), {"reason": "姓名有误"})
    issued_no_pdf.refresh_from_db()
    assert issued_no_pdf.status == "revoked" and issued_no_pdf.revocation_reason == "姓名有误"


@pytest.mark.parametrize("who", ["holder", "officer", "county_admin"])
def test_the_stations_print_list_is_forbidden_to_anyone_but_station_staff(
        client, request, issued_no_pdf, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url("certificate-station-list")).status_code == 403


def test_the_station_prints_and_hands_over_with_the_id_checked(client, issued, station_operator):
    client.force_login(station_operator)
    assert issued in client.get(url("certificate-station-list")).context["certificates"]
    data = {"idempotency_key": str(uuid.uuid4()), "collector_is_holder": "holder", "collector_name": HOLDER_NAME,
            "collector_id_number": issued.request.applicant_id_number, "id_checked": "on"}
    assert client.post(url("certificate-print", issued.pk), data).status_code == 302
    assert client.post(url("certificate-print", issued.pk), data).status_code == 302  # double submit
    assert issued.prints.count() == 1
    response = client.post(url("certificate-print", issued.pk), {**data, "idempotency_key": str(uuid.uuid4()),
                                                                 "id_checked": ""})
    assert response.status_code == 400 and issued.prints.count() == 1


# --- Public verification ------------------------------------------------------------------------------

def test_verify_by_url_shows_valid_with_the_holder_masked(client, issued_no_pdf):
    response = client.get(f"/verify/{issued_no_pdf.token}")
    body = response.content.decode()
    assert response.status_code == 200 and 'id="verify-valid"' in body
    assert "王*英" in body and HOLDER_NAME not in body and issued_no_pdf.department.name in body


@pytest.mark.parametrize("token", ["CZ1.bogus", "not-a-token", "CZ1." + "A" * 590])
def test_verify_by_url_with_garbage_is_not_valid_not_an_error(client, token):
    response = client.get(f"/verify/{token}")
    assert response.status_code == 200 and 'id="verify-forged"' in response.content.decode()


def test_verify_by_pasting_the_scanned_address(client, issued_no_pdf):
    response = client.post(url("certificate-verify"),
                           {"code": f"https://x.example/verify/{issued_no_pdf.token}\n"})
    assert response.status_code == 200 and response.context["result"].state == "valid"


def test_verify_by_uploading_a_photo_of_the_qr_code(client, issued_no_pdf):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    address = f"http://127.0.0.1:8000/verify/{issued_no_pdf.token}"
    segno.make(address, error="m").save(buffer, kind="png", scale=6)
    photo = SimpleUploadedFile("qr.png", buffer.getvalue(), content_type="image/png")
    response = client.post(url("certificate-verify"), {"photo": photo})
    assert response.status_code == 200 and response.context["result"].state == "valid"


def test_a_photo_without_a_qr_code_gets_a_clear_answer(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import jpeg_bytes

    photo = SimpleUploadedFile("cat.jpg", jpeg_bytes((200, 200)), content_type="image/jpeg")
    response = client.post(url("certificate-verify"), {"photo": photo})
    assert response.status_code == 400 and response.context["form"].errors["photo"]


def test_a_revoked_certificate_verifies_as_revoked_with_the_reason(client, issued_no_pdf, officer):
    from gov_services.certificates import services

    services.certificate_revoke(certificate=issued_no_pdf, actor=officer, reason="证明内容有误")
    body = client.get(f"/verify/{issued_no_pdf.token}").content.decode()
    assert 'id="verify-revoked"' in body and "证明内容有误" in body


def test_the_verifier_checks_the_holder_against_the_id_card(client, issued_no_pdf):
    path = url("certificate-verify-token", issued_no_pdf.token)
    right = client.post(path, {"name": HOLDER_NAME, "id_number": issued_no_pdf.request.applicant_id_number})
    assert right.context["holder_match"] is True
    wrong = client.post(path, {"name": "李四", "id_number": issued_no_pdf.request.applicant_id_number})
    assert wrong.context["holder_match"] is False


def test_verification_is_rate_limited_per_address(client, issued_no_pdf):
    for _ in range(VERIFY_ATTEMPTS):
        assert client.get(f"/verify/{issued_no_pdf.token}").status_code == 200
    response = client.get(f"/verify/{issued_no_pdf.token}")
    assert response.status_code == 429 and 'id="verify-limited"' in response.content.decode()
    assert client.get(f"/verify/{issued_no_pdf.token}", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_public_keys_are_published_with_their_ids(client, issued_no_pdf):
    data = client.get(url("certificate-public-keys")).json()
    [key] = data["keys"]
    assert key["key_id"] == issued_no_pdf.signing_key.key_id and key["algorithm"] == "Ed25519"
    assert key["public_key"] == issued_no_pdf.signing_key.public_key and "private" not in str(data).lower()


def test_the_revocation_list_is_published(client, issued_no_pdf, officer):
    from gov_services.certificates import services

    services.certificate_revoke(certificate=issued_no_pdf, actor=officer, reason="x")
    data = client.get(url("certificate-revocations")).json()
    assert (data["sections"][0]["revoked"][0]["serial"] == issued_no_pdf.serial
            and data["sections"][0]["signature"])


def test_the_token_format_is_readable_at_a_stable_address(client):
    response = client.get(url("certificate-token-format"))
    assert response.status_code == 200 and "CZ1" in response.content.decode()


# --- The wallet ------------------------------------------------------------------------------------------

def test_the_resident_attaches_a_wallet_certificate_to_a_returned_request(client, issued, holder, cert_item, station):
    later = ServiceRequestFactory(item=cert_item, station=station, applicant_user=holder, status="returned")
    client.force_login(holder)
    assert client.get(url("certificate-wallet")).context["attach_form"] is not None
    response = client.post(url("certificate-wallet-attach", issued.pk), {"request_id": later.pk})
    assert response.url == url("resident-service-request-detail", later.pk)
    assert later.attachments.get().sha256 == issued.pdf_sha256


def test_attaching_a_certificate_that_is_not_in_ones_wallet_is_not_found(client, issued, holder, resident,
                                                                         cert_item, station):
    later = ServiceRequestFactory(item=cert_item, station=station, applicant_user=resident, status="returned")
    client.force_login(resident)
    assert client.post(url("certificate-wallet-attach", issued.pk), {"request_id": later.pk}).status_code == 404
    assert client.post(url("certificate-wallet-attach", 987654), {"request_id": later.pk}).status_code == 404
    assert not later.attachments.exists()
