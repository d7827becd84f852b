"""Rewrapping every private file's data key with the current master key (`manage.py rotate_file_keys`).

Walks PRIVATE_MEDIA_ROOT: a file sealed with another master key gets its data key rewrapped with
FILE_MASTER_KEY_ID (the content is not re-encrypted); a plain file stored before encryption was turned
on is encrypted; a file already under the current key is left alone, so a second run changes nothing and
an interrupted run can simply be started again. Each file is replaced atomically (write aside, rename).
A file that cannot be opened (its master key is missing or wrong) is reported and left as it is.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from core import file_crypto
from core.storage import current_cipher, current_key_id, master_keys


@dataclass
class RotationResult:
    rewrapped: int = 0
    encrypted: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.rewrapped + self.encrypted + self.unchanged + len(self.failed)


def private_files(root: Path | None = None) -> Iterator[Path]:
    root = Path(root or settings.PRIVATE_MEDIA_ROOT)
    if not root.exists():
        return
    for directory, _dirs, names in os.walk(root):
        for name in sorted(names):
            if not name.startswith(".czrot-"):
                yield Path(directory) / name


def _replace(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(prefix=".czrot-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def private_files_rotate(*, dry_run: bool = False, root: Path | None = None,
                         progress: Callable[[Path], None] | None = None) -> RotationResult:
    keys, key_id = master_keys(), current_key_id()
    if key_id not in keys:
        raise file_crypto.FileKeyError(f"FILE_MASTER_KEY_ID {key_id!r} is not in FILE_MASTER_KEYS")
    result = RotationResult()
    base = Path(root or settings.PRIVATE_MEDIA_ROOT)
    for path in private_files(base):
        blob = path.read_bytes()
        try:
            new = file_crypto.rewrap(blob, keys=keys, key_id=key_id, cipher=current_cipher())
        except file_crypto.FileKeyError as error:
            result.failed.append(f"{path.relative_to(base)}: {error}")
        else:
            if new is None:
                result.unchanged += 1
            else:
                if not dry_run:
                    _replace(path, new)
                if file_crypto.is_encrypted(blob):
                    result.rewrapped += 1
                else:
                    result.encrypted += 1
        if progress is not None:
            progress(path)
    return result
