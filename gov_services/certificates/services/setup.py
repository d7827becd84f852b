"""County set-up for certificates: layouts per catalogue item, department seals, signing keys and
the county's PDF signing certificate. County staff only; every change is audited."""

import functools
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core import uploads
from core.audit import audit_event_record
from gov_services.catalogue.selectors import can_edit_catalogue
from gov_services.certificates import layout, pki, tokens
from gov_services.certificates.selectors import PUBLIC_KEYS_CACHE_KEY
from gov_services.models import (
    CertificateType,
    CountySigningCertificate,
    Department,
    DepartmentSeal,
    ServiceItem,
    SigningKey,
)
from stations.models import Region
from stations.scope import require, scope_for

MAX_SEAL_BYTES = 2 * 1024 * 1024


def key_passphrase() -> bytes:
    """The passphrase that encrypts every stored private key (settings.CERTIFICATE_KEY_PASSPHRASE,
    else derived from SECRET_KEY: rotating SECRET_KEY then needs `manage.py certificate_keys_rewrap`)."""
    return passphrase_from(getattr(settings, "CERTIFICATE_KEY_PASSPHRASE", "") or settings.SECRET_KEY)


def passphrase_from(secret: str) -> bytes:
    return hashlib.sha256(b"cunzhan-certificate-keys|" + secret.encode("utf-8")).hexdigest().encode("ascii")


def _require_staff(actor, *, department: Department | None = None, item: ServiceItem | None = None,
                   county: Region | None = None) -> None:
    """A county admin of the county holding the department (the item's department, the county);
    None is the system."""
    if actor is None:
        return
    scope = scope_for(actor)
    require(scope.is_county_admin, _("Certificates are set up by the county's administrators."))
    if item is not None:
        require(can_edit_catalogue(user=actor), _("Certificate layouts are edited by the county's administrators."))
        department = item.department
    place = department.region.path if department is not None else county.path if county is not None else None
    if place is not None:
        require(scope.covers(place, county_only=True),
                _("You may not set up certificates outside your county."))


def county_of(region: Region) -> Region:
    """The county a department's region belongs to (the region itself above county level)."""
    if region.level == Region.Level.COUNTY:
        return region
    county = region.get_ancestors().filter(level=Region.Level.COUNTY).first()
    return county or region


# --- Layouts ----------------------------------------------------------------------------------------

@transaction.atomic
def certificate_type_save(*, item: ServiceItem, actor: User, code: str, title: str, body_html: str, css: str = "",
                          validity_days: int | None = None, auto_issue: bool = False,
                          personal_seal_required: bool = False,
                          is_active: bool = True) -> CertificateType:
    """Create or change the certificate an item ends in. Refuses a layout with unknown placeholders,
    scripts or external files (layout.layout_problems); nothing is saved then."""
    _require_staff(actor, item=item)
    if not item.issues_certificate:
        raise ValidationError(_("“%(item)s” does not end in a certificate: tick that in the catalogue first.")
                              % {"item": item.name})
    ctype = CertificateType.objects.select_for_update().filter(item=item).first() or CertificateType(item=item)
    before = {f: getattr(ctype, f) for f in ("code", "title", "validity_days", "auto_issue", "personal_seal_required",
                                             "is_active")}
    ctype.code, ctype.title, ctype.body_html, ctype.css = code.strip(), title.strip(), body_html, css
    ctype.validity_days, ctype.auto_issue, ctype.is_active = validity_days, auto_issue, is_active
    ctype.personal_seal_required = personal_seal_required
    ctype.updated_by = actor
    errors: dict[str, list[str]] = {}
    try:
        ctype.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    problems = layout.layout_problems(body_html, css, form_fields=[f["name"] for f in item.form_schema or []])
    if problems:
        errors.setdefault("body_html", []).extend(problems)
    if errors:
        raise ValidationError(errors)
    created = ctype.pk is None
    ctype.save()
    changed = {f: getattr(ctype, f) for f in before if before[f] != getattr(ctype, f)}
    audit_event_record(actor=actor, action="certificate_type.create" if created else "certificate_type.update",
                       target=ctype, data={"item": item.code, **changed})
    return ctype


# --- Seals ------------------------------------------------------------------------------------------

def _checked_seal(content: bytes) -> str:
    """The file extension for a real PNG/JPEG image of sensible size; ValidationError otherwise."""
    if len(content) > MAX_SEAL_BYTES:
        raise ValidationError({"image": _("The seal image is larger than 2 MB.")})
    content_type = uploads.sniff(content)
    if content_type not in ("image/png", "image/jpeg"):
        raise ValidationError({"image": _("The seal must be a PNG or JPEG image.")})
    size = uploads.image_size(content)  # None for a decompression bomb
    if size is None or min(size) < 100 or max(size) > 4000:
        raise ValidationError({"image": _("The seal image should be between 100 and 4000 pixels wide and high.")})
    problem = uploads.hazard(content, content_type)
    if problem:
        raise ValidationError({"image": problem})
    return uploads.canonical_extension(content_type)


def seal_image_store(seal, content: bytes, extension: str, *, actor: User, stem: str) -> str:
    """Save `content` (checked by _checked_seal, which gave `extension`) as the seal's image, named `stem` and
    its digest; the digest of the image it replaces ("" for none)."""
    previous = seal.sha256
    seal.sha256 = hashlib.sha256(content).hexdigest()
    seal.uploaded_by = actor
    seal.image.save(f"{stem}-{seal.sha256[:16]}.{extension}", ContentFile(content), save=False)
    seal.save()
    return previous


@transaction.atomic
def department_seal_upload(*, department: Department, content: bytes, actor: User) -> DepartmentSeal:
    """Replace the department's seal. Only the system applies it, to the certificates it issues."""
    _require_staff(actor, department=department)
    extension = _checked_seal(content)
    seal = DepartmentSeal.objects.select_for_update().filter(department=department).first() \
        or DepartmentSeal(department=department)
    previous = seal_image_store(seal, content, extension, actor=actor, stem=str(department.pk))
    audit_event_record(actor=actor, action="department_seal.upload", target=department,
                       data={"sha256": seal.sha256, "previous_sha256": previous})
    return seal


# --- Signing keys -----------------------------------------------------------------------------------

def _key_id(department: Department) -> str:
    base = re.sub(r"[^A-Za-z0-9-]", "", department.code)[:20] or f"D{department.pk}"
    number = department.signing_keys.filter(official__isnull=True).count() + 1
    while SigningKey.objects.filter(key_id=f"{base}-K{number}").exists():
        number += 1
    return f"{base}-K{number}"


def token_algorithm(chosen: str | None = None) -> str:
    """The algorithm of a key made now: the one the county staff chose for it (Ed25519 or SM2), else the
    platform's default for new keys (settings.CERTIFICATE_TOKEN_ALGORITHM). ValidationError for another name."""
    if chosen:
        if chosen not in tokens.ALGORITHMS:
            raise ValidationError({"algorithm": _("Choose Ed25519 or SM2.")})
        return chosen
    return getattr(settings, "CERTIFICATE_TOKEN_ALGORITHM", tokens.ED25519) or tokens.ED25519


def _new_key(department: Department, actor, algorithm: str | None = None) -> SigningKey:
    private = tokens.generate_private_key(token_algorithm(algorithm))
    key = SigningKey.objects.create(
        department=department, key_id=_key_id(department), algorithm=tokens.algorithm_of(private),
        public_key=tokens.b64url(tokens.public_key_raw(private)),
        private_key_pem=tokens.encrypt_private_key(private, key_passphrase()), created_by=actor)
    transaction.on_commit(lambda: cache.delete(PUBLIC_KEYS_CACHE_KEY))
    return key


def active_signing_key(*, department: Department) -> SigningKey:
    """The department's current key, made on first use (within the caller's transaction)."""
    Department.objects.select_for_update().filter(pk=department.pk).first()  # one creator at a time
    key = department.signing_keys.filter(retired_at__isnull=True, official__isnull=True).first()
    if key is None:
        key = _new_key(department, None)
        audit_event_record(actor=None, action="signing_key.create", target=key,
                           data={"department": department.code, "algorithm": key.algorithm})
    return key


@transaction.atomic
def signing_key_rotate(*, department: Department, actor: User, algorithm: str | None = None) -> SigningKey:
    """Retire the department's key and make a new one, of `algorithm` (Ed25519 or SM2: a county moving to
    国密 rotates its departments' keys to SM2) or the platform's default. Old certificates keep verifying:
    retired keys stay published at /verify/keys.json."""
    _require_staff(actor, department=department)
    algorithm = token_algorithm(algorithm)
    Department.objects.select_for_update().filter(pk=department.pk).first()
    retired = list(department.signing_keys.filter(retired_at__isnull=True, official__isnull=True))
    for key in retired:
        key.retired_at = timezone.now()
        key.save(update_fields=["retired_at"])
    key = _new_key(department, actor, algorithm)
    audit_event_record(actor=actor, action="signing_key.rotate", target=key,
                       data={"department": department.code, "retired": [k.key_id for k in retired],
                             "algorithm": key.algorithm})
    return key


def private_key_of(key: SigningKey):
    """The key's private half, opened once per process (the scrypt that protects it costs ~0.1 s)."""
    return _decrypted(key.private_key_pem, key_passphrase())


@functools.lru_cache(maxsize=64)
def _decrypted(pem: str, passphrase: bytes):
    return tokens.decrypt_private_key(pem, passphrase)


def forget_opened_keys() -> None:
    """Drop this process's opened keys (after a re-wrap they were sealed differently)."""
    _decrypted.cache_clear()


# --- The county's PDF signing certificate ---------------------------------------------------------------

def crl_url(signer: CountySigningCertificate) -> str:
    """Where the county's demo CA publishes its CRL (written into every certificate it issues)."""
    return f"{settings.SITE_URL.rstrip('/')}{reverse('gov_services:certificate-ca-crl', args=[signer.pk])}"


def _replace_signer(county: Region, material: pki.SignerMaterial, actor, action: str) -> CountySigningCertificate:
    now = timezone.now()
    CountySigningCertificate.objects.filter(county=county, retired_at__isnull=True).update(retired_at=now)
    signer = CountySigningCertificate.objects.create(
        county=county, certificate_pem=material.certificate_pem, chain_pem=material.chain_pem,
        private_key_pem=material.private_key_pem, ca_private_key_pem=material.ca_private_key_pem)
    audit_event_record(actor=actor, action=action, target=signer, data={"county": county.code})
    return signer


@transaction.atomic
def county_signer_create_demo(*, county: Region, actor: User | None) -> CountySigningCertificate:
    """A demo CA and signing certificate for the county (seed_demo). Not trusted outside the demo. The CA's
    CRL URL names the row, so the row is made first and filled once the URL is known."""
    _require_staff(actor, county=county)
    signer = _replace_signer(county, pki.SignerMaterial(certificate_pem="", chain_pem="", private_key_pem=""),
                             actor, "county_signer.create_demo")
    material = pki.demo_county_signer(county_name=county.name, passphrase=key_passphrase(), crl_url=crl_url(signer))
    signer.certificate_pem, signer.chain_pem = material.certificate_pem, material.chain_pem
    signer.private_key_pem, signer.ca_private_key_pem = material.private_key_pem, material.ca_private_key_pem
    signer.save(update_fields=["certificate_pem", "chain_pem", "private_key_pem", "ca_private_key_pem"])
    return signer


@transaction.atomic
def county_signer_load(*, county: Region, actor: User | None, certificate_pem: str, chain_pem: str,
                       private_key_pem: str, private_key_passphrase: bytes | None) -> CountySigningCertificate:
    """Install the county's real signing certificate (from its CA): the key is re-encrypted with ours."""
    _require_staff(actor, county=county)
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(private_key_pem.encode("ascii"), password=private_key_passphrase)
    except (ValueError, TypeError) as error:
        raise ValidationError(_("The private key cannot be read with this passphrase.")) from error
    wrapped = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(key_passphrase())).decode("ascii")
    try:
        pki.check_signer(certificate_pem=certificate_pem, private_key_pem=wrapped, passphrase=key_passphrase())
    except ValueError as error:
        raise ValidationError(_("The private key does not belong to the certificate.")) from error
    material = pki.SignerMaterial(certificate_pem=certificate_pem, chain_pem=chain_pem, private_key_pem=wrapped)
    return _replace_signer(county, material, actor, "county_signer.load")
