"""The certificate token: what the QR code on a certificate holds (pure: no ORM, no settings).

    CZ1.<key id>.<serial>.<type>.<issued>.<expires>.<holder>.<signature>

* key id, serial, type: 1–32 characters of A–Z a–z 0–9 and "-";
* issued: the issue date as YYYYMMDD; expires: YYYYMMDD, or "0" when the certificate does not expire;
* holder: the first 16 bytes of SHA-256("CZ1|<serial>|<name>|<ID number>"), base64url without padding
  (name with all white space removed, NFKC; ID number upper-case). The serial salts it;
* signature: over the UTF-8 bytes of everything before the last ".", base64url without padding, 64 bytes:
  Ed25519, or SM2 (GB/T 32918.2, SM3 digest with the Z value of the default user id "1234567812345678",
  r ‖ s as two 32-byte big-endian numbers). Which one is the named key's: a 32-byte public key is
  Ed25519's, a 65-byte one (04 ‖ x ‖ y, uncompressed) SM2's (keys.json also says it, "algorithm").

No personal data is in clear. The format is documented for offline verifiers in docs/certificate-token.md;
change it only by introducing "CZ2" and keep verifying "CZ1".
"""

import base64
import datetime
import enum
import hashlib
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from gmssl import sm2 as gmssl_sm2

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
ED25519 = "Ed25519"
SM2 = "SM2"
ALGORITHMS = (ED25519, SM2)


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


def sign_token(claims: Claims, private_key) -> str:
    """Signed with an Ed25519PrivateKey or an Sm2PrivateKey (the token does not say which: its key does)."""
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
    """Check shape and signature. `public_key_for(key_id)` returns the raw public key (32 bytes Ed25519,
    65 bytes SM2), or None for an unknown id. Expiry and revocation are the caller's business (Claims.expired)."""
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


# --- SM2 (GB/T 32918.2 signatures on the curve of GB/T 32918.5) ---------------------------------------
# The curve arithmetic is gmssl's (a kept library); the digest (SM3 via OpenSSL), the nonce (`secrets`, not
# gmssl's `random`), the range and on-curve checks are ours.

SM2_DEFAULT_USER_ID = b"1234567812345678"
SM2_CURVE = {key: int(value, 16) for key, value in gmssl_sm2.default_ecc_table.items() if key != "g"}
SM2_G = (int(gmssl_sm2.default_ecc_table["g"][:64], 16), int(gmssl_sm2.default_ecc_table["g"][64:], 16))
SM2_PRIVATE_PEM = "CUNZHAN SM2 PRIVATE KEY"


def sm3(data: bytes) -> bytes:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def _int32(value: int) -> bytes:
    return value.to_bytes(32, "big")


def sm2_z(public_raw: bytes, *, user_id: bytes = SM2_DEFAULT_USER_ID, curve: dict | None = None,
          generator: tuple[int, int] | None = None) -> bytes:
    """Z_A = SM3(ENTL_A ‖ ID_A ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) (GB/T 32918.2 §5.5)."""
    curve, (gx, gy) = curve or SM2_CURVE, generator or SM2_G
    return sm3((len(user_id) * 8).to_bytes(2, "big") + user_id + _int32(curve["a"]) + _int32(curve["b"])
               + _int32(gx) + _int32(gy) + public_raw[1:])


def sm2_digest(public_raw: bytes, data: bytes, *, user_id: bytes = SM2_DEFAULT_USER_ID, **curve) -> bytes:
    """e = SM3(Z_A ‖ M), what the signature signs."""
    return sm3(sm2_z(public_raw, user_id=user_id, **curve) + data)


def _on_curve(public_raw: bytes) -> bool:
    if len(public_raw) != 65 or public_raw[0] != 4:
        return False
    x, y, p = int.from_bytes(public_raw[1:33], "big"), int.from_bytes(public_raw[33:], "big"), SM2_CURVE["p"]
    return x < p and y < p and (y * y - x * x * x - SM2_CURVE["a"] * x - SM2_CURVE["b"]) % p == 0


def _gmssl(public_raw: bytes = b"", private: int | None = None) -> gmssl_sm2.CryptSM2:
    crypt = gmssl_sm2.CryptSM2(private_key=f"{private:064x}" if private is not None else "", public_key="")
    # Hex x ‖ y, set after the constructor: it strips "04" with lstrip("04"), which also eats the leading 0s
    # and 4s of an x that itself starts with 04 (one key in 256) and then verifies nothing.
    crypt.public_key = public_raw[1:].hex() if public_raw else "00" * 64
    return crypt


class Sm2PrivateKey:
    """An SM2 private key d (1 ≤ d ≤ n-2), with the same `sign(data) -> 64 bytes` as Ed25519PrivateKey."""

    algorithm = SM2

    def __init__(self, secret: int):
        if not 1 <= secret <= SM2_CURVE["n"] - 2:
            raise ValueError("not an SM2 private key")
        self.secret = secret
        point = _gmssl(private=secret)._kg(secret, gmssl_sm2.default_ecc_table["g"])
        self._public = b"\x04" + bytes.fromhex(point)

    @classmethod
    def generate(cls) -> "Sm2PrivateKey":
        return cls(secrets.randbelow(SM2_CURVE["n"] - 2) + 1)

    def public_raw(self) -> bytes:
        return self._public

    def sign_digest(self, digest: bytes, *, nonce: int | None = None) -> bytes:
        signer = _gmssl(self._public, self.secret)
        while True:
            k = nonce or secrets.randbelow(SM2_CURVE["n"] - 1) + 1
            signature = signer.sign(digest, f"{k:064x}")
            if signature is not None:
                return bytes.fromhex(signature)
            if nonce:
                raise ValueError("this nonce gives no signature")

    def sign(self, data: bytes) -> bytes:
        return self.sign_digest(sm2_digest(self._public, data))


def sm2_verify(public_raw: bytes, data: bytes, signature: bytes) -> bool:
    """GB/T 32918.2 §7 with the default user id; False for a key off the curve or r, s out of [1, n-1]."""
    if len(signature) != SIGNATURE_BYTES or not _on_curve(public_raw):
        return False
    r, s, n = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"), SM2_CURVE["n"]
    if not (1 <= r < n and 1 <= s < n):
        return False
    return bool(_gmssl(public_raw).verify(signature.hex(), sm2_digest(public_raw, data)))


# --- keys and signed documents ----------------------------------------------------------------------

def generate_private_key(algorithm: str = ED25519):
    if algorithm == SM2:
        return Sm2PrivateKey.generate()
    if algorithm != ED25519:
        raise ValueError(f"unknown algorithm {algorithm!r}")
    return Ed25519PrivateKey.generate()


def algorithm_of(key) -> str:
    """The algorithm of a private key or of a raw public key (32 bytes Ed25519, 65 bytes SM2)."""
    if isinstance(key, bytes | bytearray):
        return SM2 if len(key) == 65 else ED25519
    return SM2 if isinstance(key, Sm2PrivateKey) else ED25519


def public_key_raw(private_key) -> bytes:
    if isinstance(private_key, Sm2PrivateKey):
        return private_key.public_raw()
    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _sm2_wrapping_key(passphrase: bytes, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(passphrase)


def encrypt_private_key(private_key, passphrase: bytes) -> str:
    """PKCS#8 PEM encrypted with the passphrase (scrypt + AES-256-CBC) for Ed25519. For SM2 (which
    `cryptography` cannot serialise) our own PEM: JSON of d sealed with AES-256-GCM under scrypt(passphrase)."""
    if isinstance(private_key, Sm2PrivateKey):
        salt, nonce = os.urandom(16), os.urandom(12)
        sealed = AESGCM(_sm2_wrapping_key(passphrase, salt)).encrypt(nonce, _int32(private_key.secret),
                                                                      SM2_PRIVATE_PEM.encode("ascii"))
        body = base64.b64encode(json.dumps({"kdf": "scrypt", "n": 2**14, "r": 8, "p": 1, "salt": b64url(salt),
                                            "nonce": b64url(nonce), "sealed": b64url(sealed)},
                                           sort_keys=True).encode("ascii")).decode("ascii")
        lines = [body[i:i + 64] for i in range(0, len(body), 64)]
        return "\n".join([f"-----BEGIN {SM2_PRIVATE_PEM}-----", *lines, f"-----END {SM2_PRIVATE_PEM}-----", ""])
    return private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.BestAvailableEncryption(passphrase)).decode("ascii")


def is_sm2_pem(pem: str) -> bool:
    return pem.lstrip().startswith(f"-----BEGIN {SM2_PRIVATE_PEM}-----")


def decrypt_private_key(pem: str, passphrase: bytes):
    """Ed25519PrivateKey or Sm2PrivateKey; ValueError for a wrong passphrase or another kind of key,
    TypeError for an encrypted key without a passphrase (as `cryptography` does)."""
    if is_sm2_pem(pem):
        if not passphrase:
            raise TypeError("an encrypted SM2 key needs its passphrase")
        try:
            body = "".join(pem.strip().splitlines()[1:-1])
            document = json.loads(base64.b64decode(body))
            sealed = AESGCM(_sm2_wrapping_key(passphrase, b64url_decode(document["salt"]))).decrypt(
                b64url_decode(document["nonce"]), b64url_decode(document["sealed"]), SM2_PRIVATE_PEM.encode("ascii"))
        except Exception as error:  # any damage, or a wrong passphrase (InvalidTag): "does not open"
            raise ValueError("the SM2 key does not open") from error
        return Sm2PrivateKey(int.from_bytes(sealed, "big"))
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=passphrase)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 key")
    return key


def verify_bytes(public_raw: bytes, data: bytes, signature: bytes) -> bool:
    """The signature of either algorithm, chosen by the public key's length (32 Ed25519, 65 SM2)."""
    if len(public_raw) == 65:
        return sm2_verify(public_raw, data, signature)
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def canonical_json(document) -> bytes:
    """The bytes a signed JSON document's signature covers: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_document(document: dict, private_key) -> str:
    return b64url(private_key.sign(canonical_json(document)))
