"""Per-official signing keys and personal seals (电子印章按人: keys and seals per official).

Each official who signs certificates may hold their own Ed25519 key in a department (made here on the
server, or imported from a PKCS#8 PEM the county's CA or key ceremony produced) and their own seal
image. A certificate issued by (or, when automatic, approved by) an official with an active key is
signed with it and names them; a catalogue item may require it (CertificateType.personal_seal_required).
Issuing a new key retires the official's previous one (it keeps verifying old certificates); revoking a
key stops it signing and touches no other key. Managed by the department's head or the county's
administrators; every change is audited.
"""

import re

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from gov_services.certificates import tokens
from gov_services.certificates.selectors import PUBLIC_KEYS_CACHE_KEY, can_manage_official_keys
from gov_services.certificates.services.long_term import certify_official_key
from gov_services.certificates.services.setup import (
    _checked_seal,
    key_passphrase,
    seal_image_store,
    token_algorithm,
)
from gov_services.models import Department, DepartmentMembership, OfficialSeal, SigningKey
from stations.scope import require

MAX_REASON = 200


def _require_manager(actor: User, department: Department) -> None:
    require(can_manage_official_keys(user=actor, department=department),
            _("Officials' keys and seals are managed by the department head or the county's administrators."))


def _require_member(department: Department, official: User) -> None:
    if not DepartmentMembership.objects.active().filter(department=department, user=official).exists():
        raise ValidationError(_("%(name)s is not an officer of %(department)s.")
                              % {"name": official.get_full_name() or official.username,
                                 "department": department.name})


def _key_id(department: Department, official: User) -> str:
    base = re.sub(r"[^A-Za-z0-9-]", "", department.code)[:16] or f"D{department.pk}"
    number = SigningKey.objects.filter(department=department, official=official).count() + 1
    while SigningKey.objects.filter(key_id=f"{base}-U{official.pk}-K{number}").exists():
        number += 1
    return f"{base}-U{official.pk}-K{number}"


def _retire_current(department: Department, official: User) -> list[str]:
    now = timezone.now()
    current = list(SigningKey.objects.select_for_update().filter(department=department, official=official,
                                                                 retired_at__isnull=True))
    for key in current:
        key.retired_at = now
        key.save(update_fields=["retired_at"])
    return [key.key_id for key in current]


def _store(department: Department, official: User, actor: User, private, *, imported: bool) -> SigningKey:
    key = SigningKey.objects.create(
        department=department, official=official, key_id=_key_id(department, official),
        algorithm=tokens.algorithm_of(private), public_key=tokens.b64url(tokens.public_key_raw(private)),
        private_key_pem=tokens.encrypt_private_key(private, key_passphrase()), created_by=actor, imported=imported)
    certify_official_key(key=key, department=department, official=official)
    transaction.on_commit(lambda: cache.delete(PUBLIC_KEYS_CACHE_KEY))
    return key


@transaction.atomic
def official_key_issue(*, department: Department, official: User, actor: User,
                       replacing: str | None = None) -> SigningKey:
    """A new key made on the server for the official; their previous key is retired (still verifies).

    `replacing` is the key id the caller saw in use ("" for none): when another key is in use by now (a
    second click of the same page), that key is returned and none is made."""
    _require_manager(actor, department)
    _require_member(department, official)
    Department.objects.select_for_update().filter(pk=department.pk).first()
    if replacing is not None:
        current = active_official_key(department=department, official=official)
        if (current.key_id if current else "") != replacing and current is not None:
            return current
    retired = _retire_current(department, official)
    key = _store(department, official, actor, tokens.generate_private_key(token_algorithm()),
                 imported=False)
    audit_event_record(actor=actor, action="official_key.issue", target=key,
                       data={"department": department.code, "official": official.pk, "retired": retired})
    return key


@transaction.atomic
def official_key_import(*, department: Department, official: User, actor: User, private_key_pem: str,
                        passphrase: str = "") -> SigningKey:
    """Install an Ed25519 private key (PKCS#8 PEM, optionally encrypted), or an SM2 one in our own sealed
    PEM (tokens.encrypt_private_key), for the official; it is
    re-encrypted with ours. Refuses another algorithm, a key already in use, or the wrong passphrase."""
    _require_manager(actor, department)
    _require_member(department, official)
    try:
        private = tokens.decrypt_private_key(private_key_pem.strip(), passphrase.encode("utf-8") or None)
    except TypeError as error:  # encrypted without a passphrase given, or a passphrase for a plain key
        raise ValidationError({"passphrase": _("The passphrase does not fit this key.")}) from error
    except ValueError as error:
        raise ValidationError({"private_key_pem": _(
            "This is not an Ed25519 private key in PEM form, or the passphrase is wrong.")}) from error
    public = tokens.b64url(tokens.public_key_raw(private))
    if SigningKey.objects.filter(public_key=public).exists():
        raise ValidationError({"private_key_pem": _("This key is already in use; each official needs their own.")})
    Department.objects.select_for_update().filter(pk=department.pk).first()
    retired = _retire_current(department, official)
    key = _store(department, official, actor, private, imported=True)
    audit_event_record(actor=actor, action="official_key.import", target=key,
                       data={"department": department.code, "official": official.pk, "retired": retired})
    return key


@transaction.atomic
def official_key_revoke(*, key: SigningKey, actor: User, reason: str) -> SigningKey:
    """Revoke one official's key: it signs nothing more, and a token it signed dated after today is refused.
    Certificates it signed before stay valid; no other key is touched."""
    key = SigningKey.objects.select_for_update().select_related("department").get(pk=key.pk)
    _require_manager(actor, key.department)
    if key.official_id is None:
        raise ValidationError(_("A department's key is rotated, not revoked."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the key is revoked.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": _("Keep the reason under 200 characters.")})
    if key.revoked_at is not None:
        return key
    now = timezone.now()
    key.revoked_at, key.revoked_by, key.revocation_reason = now, actor, reason
    key.retired_at = key.retired_at or now
    key.save(update_fields=["revoked_at", "revoked_by", "revocation_reason", "retired_at"])
    transaction.on_commit(lambda: cache.delete(PUBLIC_KEYS_CACHE_KEY))
    audit_event_record(actor=actor, action="official_key.revoke", target=key,
                       data={"department": key.department.code, "official": key.official_id, "reason": reason})
    return key


@transaction.atomic
def official_seal_upload(*, department: Department, official: User, content: bytes, actor: User) -> OfficialSeal:
    """Replace the official's personal seal in the department (PNG or JPEG, checked like a department seal)."""
    _require_manager(actor, department)
    _require_member(department, official)
    extension = _checked_seal(content)
    seal = (OfficialSeal.objects.select_for_update().filter(department=department, official=official).first()
            or OfficialSeal(department=department, official=official))
    previous = seal_image_store(seal, content, extension, actor=actor, stem=f"{department.pk}-{official.pk}")
    audit_event_record(actor=actor, action="official_seal.upload", target=seal,
                       data={"department": department.code, "official": official.pk, "sha256": seal.sha256,
                             "previous_sha256": previous})
    return seal


def active_official_key(*, department: Department, official: User | None) -> SigningKey | None:
    if official is None:
        return None
    return SigningKey.objects.filter(department=department, official=official, retired_at__isnull=True).first()
