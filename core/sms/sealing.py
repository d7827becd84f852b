"""Secrets in the outbox: one-time values masked in the row, the clear parameters encrypted until sent."""

import base64
import hashlib
from collections.abc import Iterable

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

SECRET_MASK = "******"


def _fernet() -> MultiFernet:
    """Fernet keys derived from SECRET_KEY (and its fallbacks, so that a rotation opens older rows)."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"cunzhan-sms-outbox|" + s.encode()).digest()))
                        for s in secrets])


def outbox_seal(text: str) -> str:
    """The text encrypted for the outbox row (also used by the migration that sealed older rows)."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def outbox_unseal(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode("ascii")).decode("utf-8")


def mask_secrets(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, SECRET_MASK)
    return text
