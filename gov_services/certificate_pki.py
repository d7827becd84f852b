"""X.509 material for signing certificate PDFs (PAdES): a demo county CA and its signing certificate.

Pure (no ORM). A real county replaces the demo CA with the certificate its CA issued (see
`manage.py certificate_signer_init --help`).
"""

import datetime
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class SignerMaterial:
    certificate_pem: str
    chain_pem: str
    private_key_pem: str  # PKCS#8, encrypted with the passphrase given


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def demo_county_signer(*, county_name: str, passphrase: bytes, years: int = 10,
                       now: datetime.datetime | None = None) -> SignerMaterial:
    """A self-made CA ("<county> 演示根证书") and a document-signing certificate it issued, both ECDSA
    P-256 (PAdES validators accept it; loading an RSA key on every signature costs ~0.1 s)."""
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
    cert = (x509.CertificateBuilder().subject_name(_name(f"{county_name}电子证照签章", f"{county_name}人民政府"))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365 * years - 1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return SignerMaterial(
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        chain_pem=ca_cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        private_key_pem=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.BestAvailableEncryption(passphrase)).decode("ascii"),
    )


def check_signer(*, certificate_pem: str, private_key_pem: str, passphrase: bytes) -> None:
    """ValueError unless the key opens with the passphrase and matches the certificate."""
    cert = x509.load_pem_x509_certificate(certificate_pem.encode("ascii"))
    key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=passphrase)
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    if (cert.public_key().public_bytes(serialization.Encoding.DER, pub)
            != key.public_key().public_bytes(serialization.Encoding.DER, pub)):
        raise ValueError("the private key does not belong to the certificate")
