"""Reads for certificates, narrowed by who asks, and the public verification.

Who sees a certificate (a user holding several roles sees the union):
* the holder: certificates issued for their resident account (the wallet);
* officers of the issuing department;
* township and county admins whose region holds the request's village (or its station's village);
* the staff of the station the request was filed at, when the certificate is to be printed there
  (delivery "print at the station", or not chosen yet): they print it and hand it over;
* a superuser: everything. Anyone else, and anonymous visitors: nothing (they use /verify/).
A certificate out of scope is a 404, as one that does not exist.

County staff set up layouts, seals and keys: a county admin for the departments in their county.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.masking import mask_name
from core.queries import narrowed
from gov_services.catalogue.selectors import access_service_item_for_edit, service_item_list_for_admin
from gov_services.certificates import tokens
from gov_services.models import (
    Certificate,
    CertificateType,
    Department,
    DepartmentMembership,
    OfficialSeal,
    ServiceItem,
    ServiceRequest,
    SigningKey,
)
from stations.scope import get_in_scope, require, scope_for

_RELATED = ("certificate_type", "department", "request", "request__station", "holder_user", "signing_key")
PUBLIC_KEYS_CACHE_KEY = "cz:cert:public-keys"


# --- Staff and holder scope ------------------------------------------------------------------------

# Certificates the station prints and hands over (the department chose so, or has not chosen yet).
PRINTED_AT_STATION = Q(delivery__in=["", Certificate.Delivery.STATION])


def _printed_at_their_station(scope) -> Q:
    return scope.q(station="request__station_id") & PRINTED_AT_STATION


def certificate_list(*, user, department_id: int | None = None, status: str | None = None,
                     query: str | None = None) -> QuerySet[Certificate]:
    """Certificates in the user's scope, newest first; `query` matches the serial or the holder's name."""
    certificates = Certificate.objects.select_related(*_RELATED)
    scope = scope_for(user)
    if not scope.is_authenticated:
        return certificates.none()
    place = tuple(f"request__{lookup}" for lookup in ServiceRequest.PLACE)
    certificates = certificates.filter(scope.q(owner="holder_user_id", department="department_id", place=place)
                                       | _printed_at_their_station(scope))
    certificates = narrowed(certificates, department_id=department_id, status=status)
    if query and query.strip():
        text = query.strip()
        certificates = certificates.filter(Q(serial__icontains=text) | Q(holder_name__icontains=text))
    return certificates.order_by("-issued_at", "-pk")


def access_certificate_by_id(*, user, certificate_id: int) -> Certificate:
    return get_in_scope(certificate_list(user=user), pk=certificate_id)


def wallet(*, user) -> QuerySet[Certificate]:
    """“My certificates”: those issued for the user's own account, whatever other roles they hold."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    return (Certificate.objects.filter(holder_user=user).select_related(*_RELATED)
            .order_by("-issued_at", "-pk"))


def station_certificate_list(*, user) -> QuerySet[Certificate]:
    """Valid certificates to print at the user's station(s): requests filed there, delivery at the station."""
    scope = scope_for(user)
    if not scope.is_counter_staff:
        return Certificate.objects.none()
    return (Certificate.objects.filter(Q(request__station_id__in=scope.station_ids) & PRINTED_AT_STATION)
            .select_related(*_RELATED).prefetch_related("prints").order_by("-issued_at", "-pk"))


def is_issuing_officer(*, user, certificate: Certificate) -> bool:
    return scope_for(user).works_in(certificate.department_id)


def serves_request_station(*, user, certificate: Certificate) -> bool:
    return scope_for(user).serves_station(certificate.request.station_id)


# --- County set-up -------------------------------------------------------------------------------------

def can_manage_certificates(*, user) -> bool:
    return scope_for(user).is_county_admin


def require_certificate_manager(*, user) -> None:
    require(can_manage_certificates(user=user), _("Seals and signing keys are managed by the county's "
                                                  "administrators."))


def certificate_department_list(*, user) -> QuerySet[Department]:
    """Departments whose seal and keys the user manages: a county admin's county; all for a superuser."""
    departments = Department.objects.select_related("region", "seal").order_by("code")
    return departments.filter(scope_for(user).q(place="region__path", county_only=True))


def access_department_for_certificates(*, user, department_id: int) -> Department:
    """403 for anyone who sets up no certificates; 404 for a department outside their county."""
    require_certificate_manager(user=user)
    return get_in_scope(certificate_department_list(user=user), pk=department_id)


def certificate_item_list(*, user) -> QuerySet[ServiceItem]:
    """Catalogue items that end in a certificate, in the user's back-office scope, with their type."""
    if not can_manage_certificates(user=user):
        return ServiceItem.objects.none()
    return (service_item_list_for_admin(user=user).filter(issues_certificate=True)
            .select_related("department", "certificate_type").order_by("department__code", "code"))


def access_certificate_item_for_edit(*, user, item_id: int) -> ServiceItem:
    """An item whose certificate layout the user may edit (the catalogue's edit rule): 403 for anyone who
    edits no layouts, 404 for an item outside their county or one that ends in no certificate."""
    if not can_manage_certificates(user=user):
        raise PermissionDenied(_("Certificate layouts are edited by the county's administrators."))
    item = access_service_item_for_edit(user=user, item_id=item_id)
    if not item.issues_certificate:
        raise Http404(_("This item does not end in a certificate."))
    return item


def certificate_type_for_item(*, item: ServiceItem) -> CertificateType | None:
    return CertificateType.objects.filter(item=item).first()


def department_keys(*, department: Department) -> QuerySet[SigningKey]:
    """The department's own keys (officials' keys are listed on the officials' page)."""
    return department.signing_keys.filter(official__isnull=True).order_by("-created_at", "-pk")


# --- Officials' keys and seals -----------------------------------------------------------------------

def can_manage_official_keys(*, user, department: Department) -> bool:
    """The department's head, or a county admin of the county holding it (a superuser: any)."""
    scope = scope_for(user)
    return scope.heads(department.pk) or (scope.is_county_admin
                                          and scope.covers(department.region.path, county_only=True))


def official_key_department_list(*, user) -> QuerySet[Department]:
    """Departments whose officials' keys and seals the user manages: those they head, and for a county
    admin every department of their county."""
    scope = scope_for(user)
    if not scope.is_authenticated:
        return Department.objects.none()
    departments = Department.objects.select_related("region").order_by("code")
    if scope.everything:
        return departments
    return departments.filter(Q(pk__in=scope.head_department_ids)
                              | (scope.q(place="region__path", county_only=True) if scope.is_county_admin
                                 else Q(pk__in=[])))


def access_department_for_official_keys(*, user, department_id: int) -> Department:
    """403 for anyone who manages no officials' keys; 404 for a department they do not manage."""
    scope = scope_for(user)
    require(scope.is_county_admin or bool(scope.head_department_ids) or scope.everything,
            _("Officials' keys and seals are managed by the department head or the county's administrators."))
    return get_in_scope(official_key_department_list(user=user), pk=department_id)


@dataclass(frozen=True)
class OfficialKeys:
    official: object
    is_head: bool
    active_key: SigningKey | None
    keys: list
    seal: OfficialSeal | None


def department_officials(*, department: Department) -> list[OfficialKeys]:
    """The department's officers in force, each with their keys (newest first) and seal. Three queries."""
    memberships = list(DepartmentMembership.objects.active().filter(department=department)
                       .select_related("user").order_by("-is_head", "user__username"))
    keys: dict[int, list[SigningKey]] = {}
    for key in (SigningKey.objects.filter(department=department, official__isnull=False)
                .order_by("-created_at", "-pk")):
        keys.setdefault(key.official_id, []).append(key)
    seals = {seal.official_id: seal for seal in OfficialSeal.objects.filter(department=department)}
    return [OfficialKeys(official=m.user, is_head=m.is_head, keys=keys.get(m.user_id, []),
                         active_key=next((k for k in keys.get(m.user_id, []) if k.retired_at is None), None),
                         seal=seals.get(m.user_id)) for m in memberships]


def official_key_history(*, department: Department) -> list:
    """The last ten changes to the department's officials' keys and seals, from the audit trail."""
    from core.models import AuditEvent

    return list(AuditEvent.objects.filter(action__startswith="official_", data__department=department.code)
                .select_related("actor").order_by("-pk")[:10])


def access_official_key(*, user, department: Department, key_id: int) -> SigningKey:
    return get_in_scope(SigningKey.objects.filter(department=department, official__isnull=False), pk=key_id)


def access_official_seal(*, department: Department, official_id: int) -> OfficialSeal:
    return get_in_scope(OfficialSeal.objects.filter(department=department), official_id=official_id)


def access_department_official(*, department: Department, official_id: int):
    membership = get_in_scope(DepartmentMembership.objects.active().filter(department=department)
                              .select_related("user"), user_id=official_id)
    return membership.user


# --- Public verification ---------------------------------------------------------------------------

def public_keys() -> list[dict]:
    """Every signing key ever used (retired ones too, so old certificates still verify), for /verify/keys.json."""
    keys = cache.get(PUBLIC_KEYS_CACHE_KEY)
    if keys is None:
        keys = [{"key_id": k.key_id, "algorithm": k.algorithm, "public_key": k.public_key,
                 "department_code": k.department.code, "department": k.department.name,
                 "official": official_display_name(k.official) if k.official_id else None,
                 "created_at": k.created_at.isoformat(), "retired_at": k.retired_at.isoformat() if k.retired_at else None,
                 "revoked_on": timezone.localdate(k.revoked_at).isoformat() if k.revoked_at else None}
                for k in SigningKey.objects.select_related("department", "official").order_by("created_at", "pk")]
        cache.set(PUBLIC_KEYS_CACHE_KEY, keys, timeout=300)
    return keys


def official_display_name(user) -> str:
    """How an official is named on a certificate and to verifiers: their full name, else their login."""
    return (user.get_full_name() or user.username) if user is not None else ""


def certificate_type_titles() -> dict[str, str]:
    """Type code → title of every certificate type (public: printed on every certificate), for verifiers."""
    return dict(CertificateType.objects.order_by("code").values_list("code", "title"))


def public_key_raw(key_id: str) -> bytes | None:
    key = next((k for k in public_keys() if k["key_id"] == key_id), None)
    return tokens.b64url_decode(key["public_key"]) if key else None


@dataclass(frozen=True)
class VerifyResult:
    """What /verify/<token> shows. `state` is valid, revoked, expired or forged."""

    state: str
    reason: str = ""
    title: str = ""
    department: str = ""
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None
    holder_masked: str = ""
    serial: str = ""
    revoked_at: datetime.datetime | None = None
    revocation_reason: str = ""
    signed_by: str = ""

    @property
    def is_valid(self) -> bool:
        return self.state == "valid"


FORGED_REASONS = {
    tokens.Outcome.MALFORMED: gettext_lazy("This is not a certificate code, or part of it was changed."),
    tokens.Outcome.UNKNOWN_KEY: gettext_lazy("It is signed with a key that no department of ours has published."),
    tokens.Outcome.BAD_SIGNATURE: gettext_lazy("The signature does not match: the code was altered or forged."),
}


def certificate_verify(*, token: str, today: datetime.date | None = None) -> VerifyResult:
    """Check a token: its signature against the published keys, then the certificate it names
    (revoked or expired). Never raises for bad input. Two queries at most (keys are cached)."""
    checked = tokens.verify_token(token, public_key_for=public_key_raw)
    if not checked.ok:
        return VerifyResult("forged", reason=str(FORGED_REASONS[checked.outcome]))
    claims = checked.claims
    key = next((k for k in public_keys() if k["key_id"] == claims.key_id), None)
    if key and key.get("revoked_on") and claims.issued_on.isoformat() > key["revoked_on"]:
        return VerifyResult("forged", reason=_("It is signed with a key that was revoked on %(date)s, before it "
                                               "was dated.") % {"date": key["revoked_on"]})
    certificate = (Certificate.objects.select_related("certificate_type", "department", "signing_key", "signed_by")
                   .filter(serial=claims.serial).first())
    if certificate is None or certificate.token != token.strip():
        return VerifyResult("forged", reason=_("No certificate with this serial number was issued with this code."))
    facts = {"title": certificate.certificate_type.title, "department": certificate.department.name,
             "issued_on": certificate.issued_on, "expires_on": certificate.expires_on,
             "holder_masked": mask_name(certificate.holder_name), "serial": certificate.serial,
             "signed_by": official_display_name(certificate.signed_by) if certificate.signed_by_id else ""}
    if certificate.status == Certificate.Status.REVOKED:
        return VerifyResult("revoked", reason=_("The issuing department revoked this certificate."),
                            revoked_at=certificate.revoked_at, revocation_reason=certificate.revocation_reason,
                            **facts)
    if claims.expired(today or timezone.localdate()):
        return VerifyResult("expired", reason=_("The certificate's period of validity has ended."), **facts)
    return VerifyResult("valid", **facts)


def revoked_certificates() -> QuerySet[Certificate]:
    return (Certificate.objects.filter(status=Certificate.Status.REVOKED).select_related("department", "signing_key")
            .order_by("department__code", "revoked_at", "pk"))


def certificate_restore_problems() -> list[str]:
    """Certificates as a restored backup must hold them (core/restore_checks.py): every QR token verifies
    with the restored public key it names, and every stored PDF is the file whose SHA-256 was recorded."""
    public = {key.key_id: tokens.b64url_decode(key.public_key) for key in SigningKey.objects.all()}
    problems = []
    for certificate in Certificate.objects.only("serial", "token", "pdf", "pdf_sha256").iterator(chunk_size=500):
        if not tokens.verify_token(certificate.token, public_key_for=public.get).ok:
            problems.append(f"certificate {certificate.serial}: its QR token does not verify")
        if certificate.pdf_sha256 and not _stored_file_matches(certificate.pdf, certificate.pdf_sha256):
            problems.append(f"certificate {certificate.serial}: its PDF is missing or not the one issued")
    return problems


def _stored_file_matches(field_file, sha256: str) -> bool:
    import hashlib

    try:
        with field_file.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256")
    except (FileNotFoundError, ValueError):
        return False
    return digest.hexdigest() == sha256
