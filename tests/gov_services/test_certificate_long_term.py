
"""PAdES B-LT: certificate PDFs carry a timestamp from the TSA (the demo's simulator, through pyHanko's HTTP
client) and the chains and CRLs to verify them offline; the county's demo CA certifies each official's key
and publishes its CRL at the distribution point its certificates name, so a revoked official shows as
revoked. The only fake is the HTTP transport (tests/wallet_transport.py): requests to SITE_URL reach our
own views."""

import io

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import tsp
from cryptography import x509
from django.urls import reverse

from gov_services.certificates import pki, services, tsa_simulator
from tests.factories import DepartmentMembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_files")]


@pytest.fixture
def demo_tsa(wallet_http, settings, tmp_path):
    """PDF_TIMESTAMP_URL is the demo TSA simulator, reached over (faked) HTTP."""
    settings.TSA_SIMULATOR_KEY_DIR = str(tmp_path / "tsa")
    settings.PDF_TIMESTAMP_URL = f"{settings.SITE_URL}{reverse('gov_services:tsa-simulator')}"
    settings.PDF_VALIDATION_FETCH = False
    return wallet_http


@pytest.fixture
def county_ca(tree):
    return services.county_signer_create_demo(county=tree["county"], actor=None)


@pytest.fixture
def head(department):
    user = UserFactory(full_name="赵主任")
    DepartmentMembershipFactory(department=department, user=user, is_head=True)
    return user


def _issued_pdf(request, officer, capture) -> bytes:
    with capture(execute=True):
        certificate = services.certificate_issue(request=request, actor=officer)
    certificate.refresh_from_db()
    assert certificate.pdf_signed
    with certificate.pdf.open("rb") as handle:
        return handle.read()


def _roots(county_ca):
    from pyhanko.keys import load_certs_from_pemder_data

    return list(load_certs_from_pemder_data(county_ca.chain_pem.encode() + tsa_simulator.root_pem()))


def _offline_status(pdf: bytes, roots, *, with_dss: bool = True):
    """pyHanko's validation with no network and revocation data required (hard-fail): it passes only
    with what the PDF itself carries."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import DocumentSecurityStore, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf))
    options = {"trust_roots": roots, "allow_fetching": False, "revocation_mode": "hard-fail"}
    if with_dss:
        dss = DocumentSecurityStore.read_dss(reader)
        context, ts_context = dss.as_validation_context(options), dss.as_validation_context(options)
    else:
        context = ValidationContext(crls=[], ocsps=[], **options)
        ts_context = ValidationContext(crls=[], ocsps=[], **options)
    [signature] = reader.embedded_signatures
    return validate_pdf_signature(signature, context, ts_validation_context=ts_context)


def test_the_tsa_simulator_answers_a_timestamp_query_as_rfc_3161_says(client, settings, tmp_path):
    from pyhanko.sign.timestamps.api import TimeStamper

    settings.TSA_SIMULATOR_KEY_DIR = str(tmp_path / "tsa")
    digest = bytes(range(32))
    _nonce, query = TimeStamper().request_cms(digest, "sha256")
    response = client.post(reverse("gov_services:tsa-simulator"), data=query.dump(),
                           content_type="application/timestamp-query")
    assert response.status_code == 200 and response["Content-Type"] == "application/timestamp-reply"
    reply = tsp.TimeStampResp.load(response.content)
    assert reply["status"]["status"].native == "granted"
    info = reply["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    assert info["nonce"].native == query["nonce"].native


@pytest.mark.parametrize(("content_type", "body", "status"), [
    ("application/octet-stream", b"x", 415), ("application/timestamp-query", b"not asn.1", 400)])
def test_the_tsa_simulator_refuses_what_is_not_a_query(client, settings, tmp_path, content_type, body, status):
    settings.TSA_SIMULATOR_KEY_DIR = str(tmp_path / "tsa")
    response = client.post(reverse("gov_services:tsa-simulator"), data=body, content_type=content_type)
    assert response.status_code == status


def test_the_tsa_simulator_is_not_there_in_production(client, settings):
    settings.ENABLE_SIMULATORS = False
    assert client.post(reverse("gov_services:tsa-simulator"), data=b"",
                       content_type="application/timestamp-query").status_code == 404
    assert client.get(reverse("gov_services:tsa-simulator-crl")).status_code == 404


def test_the_county_ca_publishes_its_crl_where_its_certificates_say(client, county_ca, settings):
    signing = x509.load_pem_x509_certificate(county_ca.certificate_pem.encode())
    [point] = signing.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    url = point.full_name[0].value
    assert url == f"{settings.SITE_URL}{reverse('gov_services:certificate-ca-crl', args=[county_ca.pk])}"
    response = client.get(url.removeprefix(settings.SITE_URL))
    assert response.status_code == 200 and response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    ca = x509.load_pem_x509_certificate(county_ca.chain_pem.encode())
    assert crl.is_signature_valid(ca.public_key()) and len(crl) == 0
    assert client.get(reverse("gov_services:certificate-ca-crl", args=[county_ca.pk + 99])).status_code == 404


def test_an_officials_key_is_certified_by_the_county_ca(department, head, officer, county_ca):
    key = services.official_key_issue(department=department, official=officer, actor=head)
    certificate = x509.load_pem_x509_certificate(key.certificate_pem.encode())
    ca = x509.load_pem_x509_certificate(county_ca.chain_pem.encode())
    certificate.verify_directly_issued_by(ca)
    assert key.certificate_issuer == county_ca
    assert officer.get_full_name() in certificate.subject.rfc4514_string()


def test_a_certificate_pdf_is_b_lt_and_verifies_offline_with_what_it_carries(
        approved, officer, seal, head, county_ca, demo_tsa, django_capture_on_commit_callbacks):
    services.official_key_issue(department=approved.department, official=officer, actor=head)
    pdf = _issued_pdf(approved, officer, django_capture_on_commit_callbacks)

    status = _offline_status(pdf, _roots(county_ca))
    assert status.bottom_line and status.trusted and not status.revoked
    assert status.timestamp_validity.valid and status.timestamp_validity.trusted
    assert officer.get_full_name() in status.signing_cert.subject.human_friendly
    assert not _offline_status(pdf, _roots(county_ca), with_dss=False).bottom_line
    assert ("POST", reverse("gov_services:tsa-simulator")) in demo_tsa.calls


def test_the_pdf_embeds_the_county_crl_and_the_tsa_chain(
        approved, officer, seal, head, county_ca, demo_tsa, django_capture_on_commit_callbacks):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import DocumentSecurityStore

    services.official_key_issue(department=approved.department, official=officer, actor=head)
    dss = DocumentSecurityStore.read_dss(PdfFileReader(io.BytesIO(
        _issued_pdf(approved, officer, django_capture_on_commit_callbacks))))
    issuers = {asn1_crl.CertificateList.load(ref.get_object().data)["tbs_cert_list"]["issuer"].human_friendly
               for ref in dss.crls}
    subjects = {cert.subject.human_friendly for cert in dss.load_certs()}
    assert any("演示根证书" in issuer for issuer in issuers) and any("时间戳根证书" in issuer for issuer in issuers)
    assert any("演示时间戳服务" in subject for subject in subjects)


def test_a_revoked_officials_certificate_shows_as_revoked(
        client, approved, officer, seal, head, county_ca, demo_tsa, django_capture_on_commit_callbacks):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    key = services.official_key_issue(department=approved.department, official=officer, actor=head)
    pdf = _issued_pdf(approved, officer, django_capture_on_commit_callbacks)
    services.official_key_revoke(key=key, actor=head, reason="调离本部门")

    response = client.get(reverse("gov_services:certificate-ca-crl", args=[county_ca.pk]))
    crl = x509.load_der_x509_crl(response.content)
    assert crl.get_revoked_certificate_by_serial_number(pki.certificate_serial(key.certificate_pem)) is not None
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    context = ValidationContext(trust_roots=_roots(county_ca), crls=[asn1_crl.CertificateList.load(response.content)],
                                allow_fetching=False, revocation_mode="hard-fail")
    status = validate_pdf_signature(signature, context)
    assert status.revoked and not status.bottom_line


def test_a_revoked_key_no_longer_signs_pdfs_the_county_certificate_does(
        approved, officer, seal, head, county_ca, django_capture_on_commit_callbacks):
    from pyhanko.pdf_utils.reader import PdfFileReader

    key = services.official_key_issue(department=approved.department, official=officer, actor=head)
    services.official_key_revoke(key=key, actor=head, reason="遗失")
    pdf = _issued_pdf(approved, officer, django_capture_on_commit_callbacks)
    [signature] = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert "电子证照签章" in signature.signer_cert.subject.human_friendly


def test_a_tsa_whose_root_is_not_given_still_stamps_the_pdf_without_validation_data(
        approved, officer, seal, county_ca, local_tsa, settings, django_capture_on_commit_callbacks):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    settings.PDF_TIMESTAMP_TRUST_ROOTS = ""
    reader = PdfFileReader(io.BytesIO(_issued_pdf(approved, officer, django_capture_on_commit_callbacks)))
    [signature] = reader.embedded_signatures
    assert [attr["type"].native for attr in signature.signer_info["unsigned_attrs"]] == ["signature_time_stamp_token"]
    with pytest.raises(NoDSSFoundError):
        DocumentSecurityStore.read_dss(reader)
