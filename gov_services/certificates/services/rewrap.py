"""Re-encrypt the stored private keys after the secret that protects them changed.

Department signing keys (QR tokens), the county's PDF signing keys and its demo CA's key are kept encrypted with a
passphrase derived from settings.CERTIFICATE_KEY_PASSPHRASE, else SECRET_KEY (setup.key_passphrase).
Rotating that secret would lock every key away; `manage.py certificate_keys_rewrap` opens each key
with the old secret and seals it with the current one, all or nothing.
"""

from cryptography.hazmat.primitives import serialization
from django.db import transaction

from core.audit import audit_event_record
from gov_services.certificates import tokens
from gov_services.certificates.services import setup
from gov_services.models import CountySigningCertificate, SigningKey


class RewrapError(ValueError):
    """A key opens with neither the old nor the current secret; nothing was changed."""


def _rewrapped(pem: str, *, old: bytes, new: bytes) -> str | None:
    """The key sealed with `new`, or None when it already is (a second run changes nothing)."""
    if tokens.is_sm2_pem(pem):
        for password, already in ((old, False), (new, True)):
            try:
                key = tokens.decrypt_private_key(pem, password)
            except (ValueError, TypeError):
                continue
            return None if already else tokens.encrypt_private_key(key, new)
        raise RewrapError
    for password, already in ((old, False), (new, True)):
        try:
            key = serialization.load_pem_private_key(pem.encode("ascii"), password=password)
        except (ValueError, TypeError):
            continue
        if already:
            return None
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.BestAvailableEncryption(new)).decode("ascii")
    raise RewrapError


@transaction.atomic
def certificate_keys_rewrap(*, old_secret: str) -> dict[str, int]:
    """Seal every stored private key with the current secret; returns how many of each kind changed.
    Raises RewrapError (and changes nothing) if any key opens with neither secret."""
    old, new = setup.passphrase_from(old_secret), setup.key_passphrase()
    counts = {"signing_keys": 0, "county_signers": 0, "county_cas": 0}
    for kind, model, field in (("signing_keys", SigningKey, "private_key_pem"),
                               ("county_signers", CountySigningCertificate, "private_key_pem"),
                               ("county_cas", CountySigningCertificate, "ca_private_key_pem")):
        for row in model.objects.select_for_update().exclude(**{field: ""}).order_by("pk"):
            try:
                pem = _rewrapped(getattr(row, field), old=old, new=new)
            except RewrapError:
                # An operator's command-line message, like the command's own output: English.
                raise RewrapError(f"The key {model.__name__}#{row.pk} opens with neither the old nor the "
                                  "current secret.") from None
            if pem is not None:
                setattr(row, field, pem)
                row.save(update_fields=[field])
                audit_event_record(actor=None, action="certificate_key.rewrap", target=row)
                counts[kind] += 1
    setup.forget_opened_keys()
    return counts
