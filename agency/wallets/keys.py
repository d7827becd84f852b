"""Keys of the wallet simulators: made at first use, kept in settings.WALLET_SIMULATOR_KEY_DIR (var/, never
committed), the same for every process that shares the directory.

Four RSA-2048 key pairs, as the real set-up has them:
* wechat_merchant — the merchant's API key (signs our requests; the simulator checks them with its public half);
* wechat_platform — WeChat Pay's platform key and its self-signed certificate (signs responses and
  notifications; we verify them with the certificate, downloaded from /v3/certificates like the real one);
* alipay_app — our application's key (signs requests to Alipay);
* alipay_gateway — Alipay's key (signs responses and notifications; we verify with its public half).
Plus the APIv3 key (32 characters, AEAD_AES_256_GCM) the notifications' resources are encrypted with.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import secrets
import string
import tempfile
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings


def _private_pem(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _public_pem(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _certificate(key, serial: int) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA (simulator)")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(serial).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _generate() -> dict:
    keys = {name: rsa.generate_private_key(public_exponent=65537, key_size=2048)
            for name in ("wechat_merchant", "wechat_platform", "alipay_app", "alipay_gateway")}
    serial = secrets.randbits(120) | (1 << 119)
    data = {f"{name}_private": _private_pem(key) for name, key in keys.items()}
    data.update({f"{name}_public": _public_pem(key) for name, key in keys.items()})
    data["wechat_platform_certificate"] = _certificate(keys["wechat_platform"], serial)
    data["wechat_platform_serial"] = f"{serial:X}"
    data["wechat_merchant_serial"] = f"{secrets.randbits(120) | (1 << 119):X}"
    data["wechat_apiv3_key"] = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    return data


@cache
def simulator_keys() -> dict:
    """The simulators' keys, made once per key directory (a second process reads the first one's)."""
    folder = Path(settings.WALLET_SIMULATOR_KEY_DIR)
    path = folder / "keys.json"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=folder, prefix=".keys-")
        with os.fdopen(handle, "w") as out:
            json.dump(_generate(), out)
        os.chmod(tmp, 0o600)
        with contextlib.suppress(FileExistsError):  # another process was first: its keys are the ones
            os.link(tmp, path)
        os.unlink(tmp)
    return json.loads(path.read_text())
