"""X.509 material for signing certificate PDFs (PAdES): a demo county CA, its signing certificate, the
officials' certificates it issues for their Ed25519 keys, and the CRL it publishes.

Pure (no ORM). A real county replaces the demo CA with the certificate its CA issued (see
`manage.py certificate_signer_init --help`); its CA then publishes the revocations itself.
"""

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# A validator refetches the CRL after this; revoking an official's key shows within it.
CRL_VALID_FOR = datetime.timedelta(days=1)


@dataclass(frozen=True)
class SignerMaterial:
    certificate_pem: str
    chain_pem: str
    private_key_pem: str  # PKCS#8, encrypted with the passphrase given
    ca_private_key_pem: str = ""  # the demo CA's own key (encrypted likewise): issues officials' certificates, signs the CRL


@dataclass(frozen=True)
class Revoked:
    serial: int
    revoked_at: datetime.datetime


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _encrypted(key, passphrase: bytes) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(passphrase)).decode("ascii")


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _signing_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                         encipher_only=False, decipher_only=False)


def _leaf(builder: x509.CertificateBuilder, *, ca_key, crl_url: str) -> x509.CertificateBuilder:
    """A document-signing certificate's extensions; the CRL distribution point lets a validator fetch
    the revocations (and the signer embed them in the PDF)."""
    builder = (builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(_signing_key_usage(), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None,
            crl_issuer=None)]), critical=False)
    return builder


def demo_county_signer(*, county_name: str, passphrase: bytes, crl_url: str = "", years: int = 10,
                       now: datetime.datetime | None = None) -> SignerMaterial:
    """A self-made CA ("<county> 演示根证书") and a document-signing certificate it issued, both ECDSA
    P-256 (PAdES validators accept it; loading an RSA key on every signature costs ~0.1 s). The CA's key
    is kept (encrypted) so that it can certify officials' keys and sign its CRL, published at `crl_url`."""
    now = now or datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name(f"{county_name}演示根证书 (demo CA)", f"{county_name}人民政府")
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=365 * years))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                            crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (x509.CertificateBuilder().subject_name(_name(f"{county_name}电子证照签章", f"{county_name}人民政府"))
               .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=365 * years - 1)))
    cert = _leaf(builder, ca_key=ca_key, crl_url=crl_url).sign(ca_key, hashes.SHA256())
    return SignerMaterial(certificate_pem=_pem(cert), chain_pem=_pem(ca_cert),
                          private_key_pem=_encrypted(key, passphrase), ca_private_key_pem=_encrypted(ca_key, passphrase))


def official_certificate(*, ca_certificate_pem: str, ca_private_key_pem: str, passphrase: bytes,
                         public_key: ed25519.Ed25519PublicKey, official_name: str, organisation: str,
                         crl_url: str, years: int = 5, now: datetime.datetime | None = None) -> str:
    """The county CA's certificate for one official's Ed25519 key (PEM): their PDF signatures then name
    them, and revoking their key puts this certificate on the CRL."""
    now = now or datetime.datetime.now(datetime.UTC)
    ca_cert = x509.load_pem_x509_certificate(ca_certificate_pem.encode("ascii"))
    ca_key = serialization.load_pem_private_key(ca_private_key_pem.encode("ascii"), password=passphrase)
    builder = (x509.CertificateBuilder().subject_name(_name(official_name, organisation))
               .issuer_name(ca_cert.subject).public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))
               .not_valid_after(min(now + datetime.timedelta(days=365 * years), ca_cert.not_valid_after_utc)))
    return _pem(_leaf(builder, ca_key=ca_key, crl_url=crl_url).sign(ca_key, hashes.SHA256()))


def certificate_revocation_list(*, ca_certificate_pem: str, ca_private_key_pem: str, passphrase: bytes,
                                revoked: list[Revoked], number: int,
                                now: datetime.datetime | None = None) -> bytes:
    """The CA's CRL (DER), valid for CRL_VALID_FOR, listing the revoked certificates' serials."""
    now = now or datetime.datetime.now(datetime.UTC)
    ca_cert = x509.load_pem_x509_certificate(ca_certificate_pem.encode("ascii"))
    ca_key = serialization.load_pem_private_key(ca_private_key_pem.encode("ascii"), password=passphrase)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
               .last_update(now - datetime.timedelta(minutes=5)).next_update(now + CRL_VALID_FOR)
               .add_extension(x509.CRLNumber(number), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    for entry in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(entry.serial).revocation_date(entry.revoked_at).build())
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def certificate_serial(certificate_pem: str) -> int:
    return x509.load_pem_x509_certificate(certificate_pem.encode("ascii")).serial_number


def check_signer(*, certificate_pem: str, private_key_pem: str, passphrase: bytes) -> None:
    """ValueError unless the key opens with the passphrase and matches the certificate."""
    cert = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=passphrase)
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    if (cert.public_key().public_bytes(serialization.Encoding.DER, pub)
            != key.public_key().public_bytes(serialization.Encoding.DER, pub)):
        raise ValueError("the private key does not belong to the certificate")
