"""After issue: revocation, delivery (mail, print and hand-over) and use from the resident's wallet."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from core.idempotency import create_once
from core.masking import mask_id_number
from core.sms import sms_enqueue
from gov_services.certificates import selectors, tokens
from gov_services.certificates.services.setup import private_key_of
from gov_services.identifiers import validate_id_number
from gov_services.models import (
    Attachment,
    Certificate,
    CertificatePrint,
    ServiceRequest,
    SigningKey,
)
from gov_services.notifications import CERTIFICATE_MAILED
from gov_services.requests.services import request_event_record
from gov_services.requests.services.access import require_signed_in
from gov_services.requests.workflow import Action

ATTACHABLE = frozenset({ServiceRequest.Status.SUBMITTED, ServiceRequest.Status.RETURNED})


def _lock(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update().select_related("request", "department").get(pk=certificate.pk)


def _require_issuer(certificate: Certificate, actor) -> None:
    require_signed_in(actor)
    if not selectors.is_issuing_officer(user=actor, certificate=certificate):
        raise PermissionDenied(_("Only officers of %(department)s may do this.")
                               % {"department": certificate.department.name})


def _require_valid(certificate: Certificate) -> None:
    if certificate.status != Certificate.Status.VALID:
        raise ValidationError(_("Certificate %(serial)s is revoked.") % {"serial": certificate.serial},
                              code="revoked")


def _note(certificate: Certificate, actor, text: str, data: dict) -> None:
    request = certificate.request
    request_event_record(request, actor=actor, action=Action.NOTE, note=text, data={"certificate": certificate.pk, **data})


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """The issuing department withdraws a certificate; /verify/ shows it revoked with the reason at once."""
    certificate = _lock(certificate)
    _require_issuer(certificate, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking: it is shown to whoever verifies.")})
    _require_valid(certificate)
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revocation_reason = reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    _note(certificate, actor, _("Certificate %(serial)s revoked: %(reason)s")
          % {"serial": certificate.serial, "reason": reason}, {"revoked": True})
    audit_event_record(actor=actor, action="certificate.revoke", target=certificate, data={"reason": reason})
    return certificate


@transaction.atomic
def certificate_mail(*, certificate: Certificate, actor: User, address: str, tracking_number: str) -> Certificate:
    """Record that the printed certificate was mailed; the resident gets an SMS with the tracking number."""
    certificate = _lock(certificate)
    _require_issuer(certificate, actor)
    _require_valid(certificate)
    errors = {}
    if not (address or "").strip():
        errors["address"] = [_("Enter the mailing address.")]
    if not (tracking_number or "").strip():
        errors["tracking_number"] = [_("Enter the tracking number.")]
    if errors:
        raise ValidationError(errors)
    if certificate.mailed_at and certificate.mail_tracking_number == tracking_number.strip():
        return certificate  # the same form sent twice
    certificate.delivery = Certificate.Delivery.MAIL
    certificate.mail_address = address.strip()
    certificate.mail_tracking_number = tracking_number.strip()
    certificate.mailed_at = timezone.now()
    certificate.save(update_fields=["delivery", "mail_address", "mail_tracking_number", "mailed_at"])
    _note(certificate, actor, _("Certificate %(serial)s mailed, tracking number %(number)s.")
          % {"serial": certificate.serial, "number": certificate.mail_tracking_number}, {"mailed": True})
    audit_event_record(actor=actor, action="certificate.mail", target=certificate,
                       data={"tracking_number": certificate.mail_tracking_number})
    sms_enqueue(phone=certificate.request.applicant_phone, purpose=CERTIFICATE_MAILED,
                reference=certificate.serial, region_path=certificate.request.place_path,
                params={"certificate": certificate.certificate_type.title, "serial": certificate.serial,
                        "tracking": certificate.mail_tracking_number})
    return certificate


@transaction.atomic
def certificate_delivery_choose(*, certificate: Certificate, actor: User, delivery: str) -> Certificate:
    """The department says how the certificate reaches the resident: at the station or at the office
    (mail is chosen by recording the mailing)."""
    certificate = _lock(certificate)
    _require_issuer(certificate, actor)
    if delivery not in (Certificate.Delivery.STATION, Certificate.Delivery.OFFICE):
        raise ValidationError({"delivery": _("Choose the station or the office.")})
    if certificate.delivery != delivery:
        certificate.delivery = delivery
        certificate.save(update_fields=["delivery"])
        audit_event_record(actor=actor, action="certificate.delivery", target=certificate, data={"delivery": delivery})
    return certificate


def _collector(certificate: Certificate, *, name: str, id_number: str, is_holder: bool) -> str:
    """The collector's ID number, checked: the holder's must match the certificate's holder."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"collector_name": _("Enter the name of the person who takes the certificate.")})
    try:
        number = validate_id_number((id_number or "").strip().upper())
    except ValidationError as error:
        raise ValidationError({"collector_id_number": error.messages}) from error
    if is_holder:
        claims, _signed, _sig = tokens.parse_token(certificate.token)
        digest = tokens.holder_digest(serial=certificate.serial, name=name, id_number=number)
        if digest != claims.holder_digest:
            raise ValidationError({"collector_id_number": _(
                "This name and ID number are not the holder's. Check the ID card, or record an agent.")})
    return number


@transaction.atomic
def certificate_print_record(*, certificate: Certificate, actor: User, idempotency_key: uuid.UUID,
                             collector_name: str, collector_id_number: str, collector_is_holder: bool,
                             id_checked: bool) -> CertificatePrint:
    """Log a print (or reprint) and the hand-over: by station staff at the request's station or by an
    officer of the issuing department at the office. The collector's ID must have been checked."""
    at_station = False

    def build() -> CertificatePrint:
        nonlocal at_station
        locked = _lock(certificate)
        require_signed_in(actor)
        at_station = selectors.serves_request_station(user=actor, certificate=locked)
        if not at_station and not selectors.is_issuing_officer(user=actor, certificate=locked):
            raise PermissionDenied(_("Certificates are printed at the resident's station or at the issuing office."))
        _require_valid(locked)
        if locked.pdf_status != Certificate.PdfStatus.READY:
            raise ValidationError(_("The PDF is still being prepared: try again in a minute."), code="pdf_pending")
        if not id_checked:
            raise ValidationError({"id_checked": _("Check the collector's ID card before handing the certificate "
                                                   "over.")})
        number = _collector(locked, name=collector_name, id_number=collector_id_number,
                            is_holder=collector_is_holder)
        return CertificatePrint(
            certificate=locked, printed_by=actor, station=locked.request.station if at_station else None,
            is_reprint=locked.prints.exists(), collector_name=collector_name.strip(),
            collector_id_masked=mask_id_number(number), collector_is_holder=collector_is_holder, id_checked=True)

    entry, created = create_once(CertificatePrint, key={"idempotency_key": idempotency_key}, build=build)
    if not created:
        return entry
    certificate = entry.certificate
    if not certificate.delivery:
        certificate.delivery = Certificate.Delivery.STATION if at_station else Certificate.Delivery.OFFICE
        certificate.save(update_fields=["delivery"])
    audit_event_record(actor=actor, action="certificate.reprint" if entry.is_reprint else "certificate.print",
                       target=certificate, data={"print": entry.pk, "collector_is_holder": collector_is_holder,
                                                 "station": entry.station_id})
    return entry


@transaction.atomic
def certificate_attach_to_request(*, certificate: Certificate, request: ServiceRequest, actor: User) -> Attachment:
    """The resident attaches a certificate from their wallet to a later application of theirs,
    instead of a new scan. Attaching the same certificate twice returns the first attachment."""
    require_signed_in(actor)
    request.refresh_from_db(from_queryset=ServiceRequest.objects.select_for_update())
    if certificate.holder_user_id != actor.pk or request.applicant_user_id != actor.pk:
        raise PermissionDenied(_("You may attach only your own certificates to your own requests."))
    _require_valid(certificate)
    if certificate.pdf_status != Certificate.PdfStatus.READY:
        raise ValidationError(_("The PDF is still being prepared: try again in a minute."), code="pdf_pending")
    if request.status not in ATTACHABLE:
        raise ValidationError(_("Certificates can be attached while a request is submitted or returned for "
                                "supplement."), code="not_attachable")
    existing = request.attachments.filter(sha256=certificate.pdf_sha256).first()
    if existing is not None:
        return existing
    with certificate.pdf.open("rb") as handle:
        content = handle.read()
    material = request.item.materials.filter(name=certificate.certificate_type.title).first() \
        if request.item_id else None
    attachment = Attachment(request=request, material=material, original_name=f"{certificate.serial}.pdf",
                            content_type="application/pdf", size=len(content), sha256=certificate.pdf_sha256,
                            uploaded_by=actor)
    attachment.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
    attachment.save()
    request_event_record(
        request, actor=actor, action=Action.NOTE,
        note=_("Certificate %(serial)s attached from the resident's wallet.") % {"serial": certificate.serial},
        data={"certificate": certificate.pk, "attachment": attachment.pk})
    audit_event_record(actor=actor, action="certificate.attach", target=certificate,
                       data={"request": request.tracking_code})
    return attachment


def revocation_list_build(*, now: datetime.datetime | None = None) -> dict:
    """The signed revocation list for offline verifiers (/verify/revocations.json): one section per
    department, signed with its current key (docs/certificate-token.md says how to check it).
    Reads only; makes no key (departments without one have issued nothing)."""
    now = now or timezone.now()
    sections = []
    revoked: dict[int, list] = {}
    for c in selectors.revoked_certificates():
        revoked.setdefault(c.department_id, []).append(
            {"serial": c.serial, "revoked_on": timezone.localdate(c.revoked_at).isoformat()})
    keys = SigningKey.objects.filter(retired_at__isnull=True).select_related("department").order_by("department__code")
    for key in keys:
        body = {"department_code": key.department.code, "key_id": key.key_id, "generated_at": now.isoformat(),
                "revoked": revoked.get(key.department_id, [])}
        sections.append({**body, "signature": tokens.sign_document(body, private_key_of(key))})
    return {"format": "CZ1-revocations", "generated_at": now.isoformat(), "sections": sections}
