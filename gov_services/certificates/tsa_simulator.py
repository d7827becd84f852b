"""The demo's RFC 3161 time-stamping authority: the same protocol as a county's real TSA, served by our
app at /sim/tsa/ (views_tsa_simulator.py, 404 unless settings.ENABLE_SIMULATORS).

Keys are made at first use and kept in settings.TSA_SIMULATOR_KEY_DIR (var/, never committed), the same for
every process sharing it: a root ("演示时间戳根证书") and the TSA's RSA-2048 certificate it issued (pyHanko's
timestamp signer is RSA-only), whose CRL distribution point is the simulator's own CRL, so that signed PDFs
can embed the TSA's revocation data as they would a real TSA's. Pure: no ORM.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import tempfile
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.urls import reverse

from gov_services.certificates.pki import CRL_VALID_FOR

ROOT_NAME = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                       x509.NameAttribute(NameOID.COMMON_NAME, "演示时间戳根证书 (demo TSA root)")])
TSA_NAME = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "演示时间戳服务 (demo TSA)")])


def _pem_key(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def _generate(crl_url: str) -> dict:
    now = datetime.datetime.now(datetime.UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = (x509.CertificateBuilder().subject_name(ROOT_NAME).issuer_name(ROOT_NAME)
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(TSA_NAME).issuer_name(ROOT_NAME)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3649))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
            .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None,
                crl_issuer=None)]), critical=False)
            .sign(root_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return {"root_key": _pem_key(root_key), "root": root.public_bytes(pem).decode("ascii"),
            "tsa_key": _pem_key(key), "tsa": cert.public_bytes(pem).decode("ascii")}


def _site(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def keys() -> dict:
    """The simulator's keys, made once per key directory (a second process reads the first one's)."""
    return _keys_in(str(settings.TSA_SIMULATOR_KEY_DIR))


@cache
def _keys_in(directory: str) -> dict:
    folder = Path(directory)
    path = folder / "keys.json"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=folder, prefix=".keys-")
        with os.fdopen(handle, "w") as out:
            json.dump(_generate(_site(reverse("gov_services:tsa-simulator-crl"))), out)
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):  # another process was first: its keys are the ones
            os.link(tmp, path)
        os.unlink(tmp)
    return json.loads(path.read_text())


def in_use() -> bool:
    """True when certificate PDFs are timestamped by this simulator (settings.PDF_TIMESTAMP_URL is its URL)."""
    return bool(settings.ENABLE_SIMULATORS and settings.PDF_TIMESTAMP_URL
                and urlsplit(settings.PDF_TIMESTAMP_URL).path == reverse("gov_services:tsa-simulator"))


def root_pem() -> bytes:
    return keys()["root"].encode("ascii")


def timestamp_reply(query: bytes) -> bytes:
    """A TimeStampResp (DER) for a TimeStampReq (DER): pyHanko's reference TSA logic, signed with our key.
    ValueError when the query is not a TimeStampReq."""
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    try:
        request = tsp.TimeStampReq.load(query)
        request.native  # parse it all now: asn1crypto is lazy  # noqa: B018
    except (ValueError, TypeError) as error:
        raise ValueError("not a TimeStampReq") from error
    material = keys()
    tsa_cert = asn1_x509.Certificate.load(x509.load_pem_x509_certificate(material["tsa"].encode()).public_bytes(
        serialization.Encoding.DER))
    root = asn1_x509.Certificate.load(x509.load_pem_x509_certificate(material["root"].encode()).public_bytes(
        serialization.Encoding.DER))
    tsa_key = asn1_keys.PrivateKeyInfo.load(serialization.load_pem_private_key(
        material["tsa_key"].encode(), password=None).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    stamper = DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key, certs_to_embed=[root])
    return stamper.request_tsa_response(request).dump()


def crl() -> bytes:
    """The simulator root's CRL (DER): empty, and fresh at every call."""
    now = datetime.datetime.now(datetime.UTC)
    root_key = serialization.load_pem_private_key(keys()["root_key"].encode(), password=None)
    return (x509.CertificateRevocationListBuilder().issuer_name(ROOT_NAME)
            .last_update(now - datetime.timedelta(minutes=5)).next_update(now + CRL_VALID_FOR)
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
