"""Private files (scans, signatures, seals, licences, certificates, reports) live outside MEDIA_ROOT and
have no URL: they are served only by views that check access first.

They are encrypted at rest (core/file_crypto.py): every file is sealed with its own data key, wrapped
by the county's master key from the settings (FILE_MASTER_KEYS / FILE_MASTER_KEY_ID, kept out of the
database and out of the backups' database dump). Opening a file through this storage decrypts it, and
only the access-checked views (and the system's own rendering) open them. A file stored before
encryption was turned on is read as it is until `manage.py rotate_file_keys` encrypts it.
"""

import io
import os

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.utils.functional import LazyObject

from core import file_crypto

_HEADER_MAX = 256


def master_keys() -> dict[str, bytes]:
    return dict(getattr(settings, "FILE_MASTER_KEYS", {}) or {})


def current_key_id() -> str:
    return getattr(settings, "FILE_MASTER_KEY_ID", "") or ""


def current_cipher() -> str:
    """The algorithm new files are sealed with: AES-256-GCM, or SM4-GCM (国密) by FILE_CIPHER."""
    return getattr(settings, "FILE_CIPHER", file_crypto.AES_256_GCM)


class EncryptedFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage that seals what it saves and opens what it sealed (AES-256-GCM or SM4-GCM envelopes)."""

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        plain = content.read()
        if isinstance(plain, str):
            plain = plain.encode("utf-8")
        sealed = file_crypto.encrypt(plain, keys=master_keys(), key_id=current_key_id(), cipher=current_cipher())
        return super()._save(name, ContentFile(sealed))

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("private files are written through save(), never opened for writing")
        with open(self.path(name), "rb") as handle:
            blob = handle.read()
        plain = file_crypto.decrypt(blob, keys=master_keys())
        return File(io.BytesIO(plain), name=name)

    def size(self, name):
        path = self.path(name)
        with open(path, "rb") as handle:
            head = handle.read(_HEADER_MAX)
        return file_crypto.plain_size(head, os.path.getsize(path))

    def read_raw(self, name) -> bytes:
        """The bytes on disk (the sealed envelope), for the key rotation and the tests."""
        with open(self.path(name), "rb") as handle:
            return handle.read()


class PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = EncryptedFileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def private_storage_callable():
    # A callable keeps the settings path out of migrations.
    return private_storage
