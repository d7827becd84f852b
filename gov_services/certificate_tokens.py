"""The certificate token: what the QR code on a certificate holds (pure: no ORM, no settings).

    CZ1.<key id>.<serial>.<type>.<issued>.<expires>.<holder>.<signature>

* key id, serial, type: 1–32 characters of A–Z a–z 0–9 and "-";
* issued: the issue date as YYYYMMDD; expires: YYYYMMDD, or "0" when the certificate does not expire;
* holder: the first 16 bytes of SHA-256("CZ1|<serial>|<name>|<ID number>"), base64url without padding
  (name with all white space removed, NFKC; ID number upper-case). The serial salts it;
* signature: Ed25519 over the UTF-8 bytes of everything before the last ".", base64url without padding.

No personal data is in clear. The format is documented for offline verifiers in docs/certificate-token.md;
change it only by introducing "CZ2" and keep verifying "CZ1".
"""

import base64
import datetime
import enum
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = "CZ1"
MAX_TOKEN_LENGTH = 400
HOLDER_DIGEST_BYTES = 16
SIGNATURE_BYTES = 64
_PART = r"[A-Za-z0-9-]{1,32}"
_B64 = r"[A-Za-z0-9_-]+"
TOKEN_RE = re.compile(
    rf"CZ1\.(?P<key_id>{_PART})\.(?P<serial>{_PART})\.(?P<type_code>{_PART})\.(?P<issued>\d{{8}})"
    rf"\.(?P<expires>\d{{8}}|0)\.(?P<holder>{_B64})\.(?P<signature>{_B64})")
PART_RE = re.compile(rf"^{_PART}$")


class Outcome(enum.StrEnum):
    OK = "ok"                        # well-formed, signed by the key it names
    MALFORMED = "malformed"          # not a token, or a field is out of shape
    UNKNOWN_KEY = "unknown_key"      # names a key id that no department published
    BAD_SIGNATURE = "bad_signature"  # the signature does not match: forged or altered


class TokenError(ValueError):
    """A token that cannot be parsed; `outcome` is always Outcome.MALFORMED."""

    outcome = Outcome.MALFORMED


@dataclass(frozen=True)
class Claims:
    key_id: str
    serial: str
    type_code: str
    issued_on: datetime.date
    expires_on: datetime.date | None
    holder_digest: bytes

    def expired(self, today: datetime.date) -> bool:
        return self.expires_on is not None and today > self.expires_on


@dataclass(frozen=True)
class Verification:
    outcome: Outcome
    claims: Claims | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.OK


# --- encoding helpers --------------------------------------------------------------------------

def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not re.fullmatch(_B64, text or ""):
        raise TokenError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise TokenError("not base64url") from error


def _date(value: datetime.date | None) -> str:
    return value.strftime("%Y%m%d") if value else "0"


def _parse_date(text: str) -> datetime.date | None:
    if text == "0":
        return None
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as error:
        raise TokenError("bad date") from error


def normalise_name(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").split())


def holder_digest(*, serial: str, name: str, id_number: str) -> bytes:
    """The holder's fingerprint: lets a verifier who sees the holder's ID card check it is theirs."""
    text = f"{VERSION}|{serial}|{normalise_name(name)}|{(id_number or '').strip().upper()}"
    return hashlib.sha256(text.encode("utf-8")).digest()[:HOLDER_DIGEST_BYTES]


# --- signing and verifying ----------------------------------------------------------------------

def _signed_part(claims: Claims) -> str:
    for value in (claims.key_id, claims.serial, claims.type_code):
        if not PART_RE.match(value):
            raise ValueError(f"token field {value!r} must be 1–32 of A–Z a–z 0–9 -")
    if len(claims.holder_digest) != HOLDER_DIGEST_BYTES:
        raise ValueError("holder digest must be 16 bytes")
    return ".".join([VERSION, claims.key_id, claims.serial, claims.type_code, _date(claims.issued_on),
                     _date(claims.expires_on), b64url(claims.holder_digest)])


def sign_token(claims: Claims, private_key: Ed25519PrivateKey) -> str:
    body = _signed_part(claims)
    return f"{body}.{b64url(private_key.sign(body.encode('ascii')))}"


def parse_token(text: str) -> tuple[Claims, bytes, bytes]:
    """(claims, the signed bytes, the signature); TokenError when the text is not a CZ1 token."""
    text = (text or "").strip()
    if len(text) > MAX_TOKEN_LENGTH:
        raise TokenError("too long")
    match = TOKEN_RE.fullmatch(text)
    if match is None:
        raise TokenError("not a CZ1 token")
    holder = b64url_decode(match["holder"])
    signature = b64url_decode(match["signature"])
    if len(holder) != HOLDER_DIGEST_BYTES or len(signature) != SIGNATURE_BYTES:
        raise TokenError("wrong length")
    claims = Claims(key_id=match["key_id"], serial=match["serial"], type_code=match["type_code"],
                    issued_on=_parse_date(match["issued"]), expires_on=_parse_date(match["expires"]),
                    holder_digest=holder)
    if claims.issued_on is None:
        raise TokenError("no issue date")
    # Re-encode: a token whose base64 has stray bits (two spellings of one value) is not ours.
    body = _signed_part(claims)
    if text != f"{body}.{b64url(signature)}":
        raise TokenError("not canonical")
    return claims, body.encode("ascii"), signature


def verify_token(text: str, *, public_key_for: Callable[[str], bytes | None]) -> Verification:
    """Check shape and signature. `public_key_for(key_id)` returns the raw 32-byte Ed25519 public key,
    or None for an unknown id. Expiry and revocation are the caller's business (Claims.expired)."""
    try:
        claims, signed, signature = parse_token(text)
    except TokenError:
        return Verification(Outcome.MALFORMED)
    raw = public_key_for(claims.key_id)
    if raw is None:
        return Verification(Outcome.UNKNOWN_KEY, claims)
    if not verify_bytes(raw, signed, signature):
        return Verification(Outcome.BAD_SIGNATURE, claims)
    return Verification(Outcome.OK, claims)


def extract_token(text: str) -> str | None:
    """The first CZ1 token inside pasted text or a scanned URL (…/verify/CZ1.…), or None."""
    match = TOKEN_RE.search(text or "")
    return match.group(0) if match else None


# --- keys and signed documents ----------------------------------------------------------------------

def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_raw(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def encrypt_private_key(private_key: Ed25519PrivateKey, passphrase: bytes) -> str:
    """PKCS#8 PEM encrypted with the passphrase (scrypt + AES-256-CBC)."""
    return private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.BestAvailableEncryption(passphrase)).decode("ascii")


def decrypt_private_key(pem: str, passphrase: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=passphrase)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 key")
    return key


def verify_bytes(public_raw: bytes, data: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def canonical_json(document) -> bytes:
    """The bytes a signed JSON document's signature covers: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_document(document: dict, private_key: Ed25519PrivateKey) -> str:
    return b64url(private_key.sign(canonical_json(document)))
