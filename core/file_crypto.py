"""Envelope encryption of private files at rest. Pure: no ORM, no settings (the storage passes the keys).

Each file gets its own random 256-bit data key; the content is sealed with AES-256-GCM under that key,
and the data key is sealed (wrapped) with AES-256-GCM under the county's master key, which lives in the
settings (FILE_MASTER_KEYS, from the environment) and never in the database. Rotating the master key
rewraps the 60-byte header of each file; the content is not touched.

On disk:

    b"CZENC1\\n" | key-id length (1 byte) | key id (ASCII) | wrap nonce (12) | wrapped data key (32 + 16 tag)
                | data nonce (12) | ciphertext + tag (16)

The wrapped key is bound to the header's magic and key id (associated data), the content to the magic.
A file without the magic is a plain file stored before encryption was turned on: it reads as it is,
and `manage.py rotate_file_keys` encrypts it.

国密 option (FILE_CIPHER = "sm4-gcm", GB/T 32907 SM4 in GCM mode, through the same `cryptography` library):
the magic is b"CZSM41\n", data keys are 128 bits (SM4's size), and the wrapping key is derived from the
same master key by HKDF with SM3 (GB/T 32905), so one FILE_MASTER_KEYS serves both. The header has the
same layout with a 16 + 16 byte wrapped key. Reading follows each file's magic, so files of both kinds
live side by side; rotation rewraps a file in its own algorithm.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CZENC1\n"
MAGIC_SM4 = b"CZSM41\n"
NONCE = 12
TAG = 16
KEY_BYTES = 32
WRAPPED = KEY_BYTES + TAG
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
AES_256_GCM, SM4_GCM = "aes-256-gcm", "sm4-gcm"


class _SM4GCM:
    """SM4 in GCM mode with AESGCM's interface (the tag after the ciphertext; InvalidTag when altered)."""

    def __init__(self, key: bytes):
        self._key = key

    def encrypt(self, nonce: bytes, data: bytes, associated_data: bytes) -> bytes:
        encryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(associated_data)
        return encryptor.update(data) + encryptor.finalize() + encryptor.tag

    def decrypt(self, nonce: bytes, data: bytes, associated_data: bytes) -> bytes:
        if len(data) < TAG:
            raise InvalidTag
        decryptor = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, data[-TAG:])).decryptor()
        decryptor.authenticate_additional_data(associated_data)
        return decryptor.update(data[:-TAG]) + decryptor.finalize()


@dataclass(frozen=True)
class _Algorithm:
    name: str
    magic: bytes
    data_key_bytes: int

    def aead(self, key: bytes):
        return AESGCM(key) if self.name == AES_256_GCM else _SM4GCM(key)

    def wrapping_key(self, master: bytes) -> bytes:
        if self.name == AES_256_GCM:
            return master
        # SM4 takes 128-bit keys: derived from the county's 256-bit master key with HKDF-SM3.
        return HKDF(algorithm=hashes.SM3(), length=16, salt=None, info=b"cunzhan file key wrap sm4").derive(master)


ALGORITHMS = {AES_256_GCM: _Algorithm(AES_256_GCM, MAGIC, 32), SM4_GCM: _Algorithm(SM4_GCM, MAGIC_SM4, 16)}
_BY_MAGIC = {algorithm.magic: algorithm for algorithm in ALGORITHMS.values()}


def _algorithm_of(blob: bytes) -> _Algorithm:
    return _BY_MAGIC[blob[:len(MAGIC)]]


def _algorithm_named(name: str) -> _Algorithm:
    try:
        return ALGORITHMS[name]
    except KeyError:
        raise FileKeyError(f"FILE_CIPHER {name!r} is not one of {', '.join(ALGORITHMS)}") from None


class FileKeyError(ValueError):
    """A master key is missing, malformed or wrong: the message says which and what to do."""


@dataclass(frozen=True)
class Header:
    algorithm: _Algorithm
    key_id: str
    wrap_nonce: bytes
    wrapped_key: bytes
    length: int  # bytes up to the data nonce


def parse_master_keys(text: str) -> dict[str, bytes]:
    """"id1:<base64 of 32 bytes>,id0:<…>" → {id: key}. FileKeyError names the faulty entry."""
    keys: dict[str, bytes] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        key_id, sep, encoded = entry.partition(":")
        if not sep or not KEY_ID.match(key_id):
            raise FileKeyError(f"FILE_MASTER_KEYS: the entry {key_id[:20]!r}… is not <key id>:<base64 key>")
        try:
            text = encoded.strip().replace("-", "+").replace("_", "/").rstrip("=")
            raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except (binascii.Error, ValueError) as error:
            raise FileKeyError(f"FILE_MASTER_KEYS: the key {key_id!r} is not base64") from error
        if len(raw) != KEY_BYTES:
            raise FileKeyError(f"FILE_MASTER_KEYS: the key {key_id!r} has {len(raw)} bytes; AES-256 needs 32 "
                               "(make one with: python3 -c 'import os,base64; "
                               "print(base64.b64encode(os.urandom(32)).decode())')")
        keys[key_id] = raw
    return keys


def new_master_key() -> str:
    """A fresh master key, base64 (for the operator to put in FILE_MASTER_KEYS)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def is_encrypted(blob: bytes) -> bool:
    return blob[:len(MAGIC)] in _BY_MAGIC


def read_header(blob: bytes) -> Header:
    if not is_encrypted(blob):
        raise FileKeyError("the file is not encrypted")
    algorithm = _algorithm_of(blob)
    wrapped_length = algorithm.data_key_bytes + TAG
    at = len(MAGIC)
    if len(blob) < at + 1:
        raise FileKeyError("the encrypted file is truncated")
    id_length = blob[at]
    at += 1
    key_id = blob[at:at + id_length].decode("ascii", errors="replace")
    at += id_length
    wrap_nonce, wrapped = blob[at:at + NONCE], blob[at + NONCE:at + NONCE + wrapped_length]
    at += NONCE + wrapped_length
    if len(blob) < at + NONCE + TAG:
        raise FileKeyError("the encrypted file is truncated")
    return Header(algorithm=algorithm, key_id=key_id, wrap_nonce=wrap_nonce, wrapped_key=wrapped, length=at)


def _wrap_aad(algorithm: _Algorithm, key_id: str) -> bytes:
    return algorithm.magic + key_id.encode("ascii")


def _master(keys: Mapping[str, bytes], key_id: str) -> bytes:
    if not keys:
        raise FileKeyError("FILE_MASTER_KEYS is not set: private files cannot be encrypted or read")
    key = keys.get(key_id)
    if key is None:
        raise FileKeyError(f"the file is sealed with the master key {key_id!r}, which is not in FILE_MASTER_KEYS "
                           "(keep old keys listed until `manage.py rotate_file_keys` has rewrapped every file)")
    return key


def _header_bytes(algorithm: _Algorithm, key_id: str, wrap_nonce: bytes, wrapped: bytes) -> bytes:
    encoded = key_id.encode("ascii")
    return algorithm.magic + bytes([len(encoded)]) + encoded + wrap_nonce + wrapped


def _wrap(algorithm: _Algorithm, master: bytes, data_key: bytes, key_id: str) -> tuple[bytes, bytes]:
    wrap_nonce = os.urandom(NONCE)
    wrapper = algorithm.aead(algorithm.wrapping_key(master))
    return wrap_nonce, wrapper.encrypt(wrap_nonce, data_key, _wrap_aad(algorithm, key_id))


def _unwrap(header: Header, keys: Mapping[str, bytes]) -> bytes:
    algorithm = header.algorithm
    try:
        wrapper = algorithm.aead(algorithm.wrapping_key(_master(keys, header.key_id)))
        return wrapper.decrypt(header.wrap_nonce, header.wrapped_key, _wrap_aad(algorithm, header.key_id))
    except InvalidTag:
        raise FileKeyError(f"the master key {header.key_id!r} in FILE_MASTER_KEYS is not the one this file was "
                           "sealed with (wrong key, or the file was altered)") from None


def encrypt(plain: bytes, *, keys: Mapping[str, bytes], key_id: str, cipher: str = AES_256_GCM) -> bytes:
    """The file sealed under a new data key with `cipher` (AES-256-GCM or SM4-GCM), the data key wrapped
    with the master key `key_id`."""
    algorithm = _algorithm_named(cipher)
    master = _master(keys, key_id)
    if not KEY_ID.match(key_id):
        raise FileKeyError(f"FILE_MASTER_KEY_ID {key_id!r} is not a valid key id")
    data_key = os.urandom(algorithm.data_key_bytes)
    wrap_nonce, wrapped = _wrap(algorithm, master, data_key, key_id)
    data_nonce = os.urandom(NONCE)
    return (_header_bytes(algorithm, key_id, wrap_nonce, wrapped) + data_nonce
            + algorithm.aead(data_key).encrypt(data_nonce, plain, algorithm.magic))


def decrypt(blob: bytes, *, keys: Mapping[str, bytes]) -> bytes:
    """The plain content: a plain (legacy) file as it is; FileKeyError for a missing or wrong master key."""
    if not is_encrypted(blob):
        return blob
    header = read_header(blob)
    data_key = _unwrap(header, keys)
    nonce = blob[header.length:header.length + NONCE]
    try:
        return header.algorithm.aead(data_key).decrypt(nonce, blob[header.length + NONCE:], header.algorithm.magic)
    except InvalidTag:
        raise FileKeyError("the encrypted file's content was altered or truncated") from None


def plain_size(blob_head: bytes, stored_size: int) -> int:
    """The plain length from the header alone (no decryption)."""
    if not is_encrypted(blob_head):
        return stored_size
    return stored_size - read_header(blob_head).length - NONCE - TAG


def rewrap(blob: bytes, *, keys: Mapping[str, bytes], key_id: str, cipher: str = AES_256_GCM) -> bytes | None:
    """The file with its data key wrapped by `key_id`, in the file's own algorithm (a plain file: encrypted
    with `cipher`); None when it already is."""
    if not is_encrypted(blob):
        return encrypt(blob, keys=keys, key_id=key_id, cipher=cipher)
    header = read_header(blob)
    if header.key_id == key_id:
        return None
    data_key = _unwrap(header, keys)
    wrap_nonce, wrapped = _wrap(header.algorithm, _master(keys, key_id), data_key, key_id)
    return _header_bytes(header.algorithm, key_id, wrap_nonce, wrapped) + blob[header.length:]
