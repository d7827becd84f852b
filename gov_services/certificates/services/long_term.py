"""PAdES B-LT: the X.509 side of the county's demo CA — officials' certificates, the CRL it publishes, and
the validation data a signed certificate PDF embeds so that it verifies offline long after.

The county's demo CA (CountySigningCertificate with its CA key) certifies each official's Ed25519 key,
so a PDF signed by that official names them; revoking the key lists its certificate on the CA's CRL,
served at /verify/ca/<id>.crl (the distribution point written in every certificate the CA issues). When
a PDF is signed, the CA's and the time-stamping authority's certificates and CRLs go into its Document
Security Store (pyHanko's embed_validation_info).
"""

import datetime
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from gov_services.certificates import pki, tokens, tsa_simulator
from gov_services.certificates.services.setup import county_of, crl_url, key_passphrase
from gov_services.models import CountySigningCertificate, Department, SigningKey

logger = logging.getLogger("cunzhan.certificates")


@dataclass(frozen=True)
class ValidationData:
    """What the signer needs to embed B-LT validation data: the roots to build the chains to, the CRLs
    made here, and whether to fetch the rest (a real TSA's or CA's revocation data) over the network."""

    trust_roots_pem: bytes
    crls_der: tuple[bytes, ...] = field(default=())
    fetch: bool = False


def _demo_ca(county) -> CountySigningCertificate | None:
    return (CountySigningCertificate.objects.filter(county=county, retired_at__isnull=True)
            .exclude(ca_private_key_pem="").first())


def certify_official_key(*, key: SigningKey, department: Department, official: User) -> None:
    """Give the official's new key an X.509 certificate from the county's demo CA (when the county has one;
    a county on a real CA enrols its officials there)."""
    signer = _demo_ca(county_of(department.region))
    if signer is None or key.algorithm != tokens.ED25519:
        # An SM2 key gets no X.509 certificate here (`cryptography` cannot make one for SM2): that official's
        # PDFs are signed with the county's certificate, their QR tokens with their SM2 key.
        return
    private = tokens.decrypt_private_key(key.private_key_pem, key_passphrase())
    key.certificate_pem = pki.official_certificate(
        ca_certificate_pem=signer.chain_pem, ca_private_key_pem=signer.ca_private_key_pem,
        passphrase=key_passphrase(), public_key=private.public_key(),
        official_name=official.get_full_name() or official.username, organisation=department.name,
        crl_url=crl_url(signer))
    key.certificate_issuer = signer
    key.save(update_fields=["certificate_pem", "certificate_issuer"])


def county_crl(*, signer: CountySigningCertificate, now: datetime.datetime | None = None) -> bytes:
    """The demo CA's current CRL (DER): the certificates of the officials' keys revoked so far."""
    now = now or timezone.now()
    revoked = [pki.Revoked(serial=pki.certificate_serial(pem), revoked_at=at) for pem, at in
               SigningKey.objects.filter(certificate_issuer=signer, revoked_at__isnull=False)
               .values_list("certificate_pem", "revoked_at")]
    return pki.certificate_revocation_list(
        ca_certificate_pem=signer.chain_pem, ca_private_key_pem=signer.ca_private_key_pem,
        passphrase=key_passphrase(), revoked=revoked, number=int(now.timestamp()), now=now)


def published_crl(*, signer_id: int) -> bytes | None:
    """The CRL a demo CA publishes (/verify/ca/<id>.crl), retired CAs included: PDFs they signed still
    check against it. None when there is no such CA here."""
    signer = CountySigningCertificate.objects.filter(pk=signer_id).exclude(ca_private_key_pem="").first()
    return county_crl(signer=signer) if signer else None


def _timestamp_roots() -> bytes:
    if tsa_simulator.in_use():
        return tsa_simulator.root_pem()
    path = settings.PDF_TIMESTAMP_TRUST_ROOTS
    return Path(path).read_bytes() if path else b""


def validation_data(*, signer: CountySigningCertificate) -> ValidationData:
    """The roots and CRLs to embed with a signature made under `signer`'s CA chain. A TSA whose root is not
    given (PDF_TIMESTAMP_TRUST_ROOTS) still stamps the PDF, without the validation data (B-T, not B-LT):
    pyHanko could not build its chain, and a certificate is never left unsigned for it."""
    timestamp_roots = _timestamp_roots()
    if settings.PDF_TIMESTAMP_URL and not timestamp_roots:
        logger.warning("PDF_TIMESTAMP_TRUST_ROOTS is unset: certificate PDFs are B-T, without validation data")
        return ValidationData(trust_roots_pem=b"")
    crls = []
    if signer.ca_private_key_pem:
        crls.append(county_crl(signer=signer))
    if tsa_simulator.in_use():
        crls.append(tsa_simulator.crl())
    return ValidationData(trust_roots_pem=signer.chain_pem.encode("ascii") + b"\n" + timestamp_roots,
                          crls_der=tuple(crls), fetch=settings.PDF_VALIDATION_FETCH)
