"""Integrity digests: SHA-256 or SM3 (GB/T 32905, 国密), for the audit hash chain (core/audit_chain.py) and
data fingerprints (the backup manifest's file digests, core/backup.py).

settings.DIGEST_ALGORITHM ("sha256", the default, or "sm3") chooses the algorithm of *new* records; every
record says which one made it, so a history that changed algorithm part-way verifies link by link. SM3 is
OpenSSL's (through `cryptography`), checked against the standard's example in the tests.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import hashes
from django.conf import settings

SHA256 = "sha256"
SM3 = "sm3"
ALGORITHMS = {SHA256: hashes.SHA256, SM3: hashes.SM3}
CHUNK = 1024 * 1024


class UnknownAlgorithm(ValueError):
    """A record names a digest algorithm this code does not know (verification counts it as changed)."""


def current_algorithm() -> str:
    """The algorithm for new records (settings.DIGEST_ALGORITHM)."""
    algorithm = (getattr(settings, "DIGEST_ALGORITHM", SHA256) or SHA256).lower()
    if algorithm not in ALGORITHMS:
        raise UnknownAlgorithm(f"DIGEST_ALGORITHM {algorithm!r} is neither sha256 nor sm3")
    return algorithm


def new(algorithm: str) -> hashes.Hash:
    try:
        return hashes.Hash(ALGORITHMS[algorithm]())
    except KeyError:
        raise UnknownAlgorithm(algorithm) from None


def hexdigest(data: bytes, algorithm: str) -> str:
    digest = new(algorithm)
    digest.update(data)
    return digest.finalize().hex()


def file_fingerprint(path: Path, algorithm: str | None = None) -> str:
    """The file's digest as recorded: bare hex for SHA-256 (as records made before SM3 have it),
    "sm3:<hex>" for SM3."""
    algorithm = algorithm or current_algorithm()
    digest = new(algorithm)
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    value = digest.finalize().hex()
    return value if algorithm == SHA256 else f"{algorithm}:{value}"


def fingerprint_matches(path: Path, recorded: str) -> bool:
    algorithm, _sep, _value = recorded.rpartition(":")
    try:
        return file_fingerprint(path, algorithm or SHA256) == recorded
    except UnknownAlgorithm:
        return False
