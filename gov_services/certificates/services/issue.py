"""Issuing a certificate and rendering its PDF.

Issue (in the web request, one transaction): lock the request, check who acts and that the request
is approved, take the next serial number of the county and year under a row lock, freeze the
printed values and the layout, sign the QR token with the department's key. The PDF is rendered
after commit by a Celery task (gov_services/tasks/certificates.py), never in the request.
"""

import datetime
import hashlib
import logging
from datetime import timedelta

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from core.handoff import hand_off
from core.masking import mask_id_number
from core.pdf import render_pdf, sign_pdf
from gov_services.catalogue.eforms import display_rows
from gov_services.certificates import layout, tokens
from gov_services.certificates.services import long_term
from gov_services.certificates.services.officials import active_official_key
from gov_services.certificates.services.setup import (
    active_signing_key,
    county_of,
    key_passphrase,
    private_key_of,
)
from gov_services.models import (
    Certificate,
    CertificateSerialCounter,
    CertificateType,
    CountySigningCertificate,
    DepartmentSeal,
    OfficialSeal,
    RequestEvent,
    ServiceRequest,
    SigningKey,
)
from gov_services.requests.services import request_event_record
from gov_services.requests.services.access import require_handler
from gov_services.requests.workflow import Action
from stations.models import Region

logger = logging.getLogger("cunzhan.certificates")
Status = ServiceRequest.Status
ISSUABLE = frozenset({Status.APPROVED, Status.COMPLETED})


def next_serial(*, county: Region, year: int) -> tuple[int, str]:
    """The next number of the county's year, and its serial "<county code>-<year>-<number>".

    The counter row is locked until the caller's transaction ends, so concurrent issuers queue
    and no number is used twice (on PostgreSQL; SQLite serialises writers anyway)."""
    counter, _created = CertificateSerialCounter.objects.get_or_create(county=county, year=year)
    counter = CertificateSerialCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{county.code[:6]}-{year}-{counter.last_number:06d}"


def printed_values(*, request: ServiceRequest, ctype: CertificateType, serial: str, issued_on: datetime.date,
                   expires_on: datetime.date | None, county: Region) -> dict[str, str]:
    """Every placeholder's text, frozen at issue. Always Chinese: the certificate is an official paper."""
    village = request.village or (request.station.village if request.station_id else None)
    values = {"title": ctype.title, "serial": serial, "holder_name": request.applicant_name,
              "holder_id_masked": mask_id_number(request.applicant_id_number),
              "holder_id_number": request.applicant_id_number, "issue_date": layout.chinese_date(issued_on),
              "expiry_date": layout.chinese_date(expires_on), "department": request.department.name,
              "county": county.name, "village": village.name if village else ""}
    with translation.override("zh-hans"):
        for field in request.item.form_schema or []:
            name = field["name"]
            values[f"form.{name}"] = display_rows([field], {name: (request.form_data or {}).get(name)})[0][1]
    return values


def _check_issuable(request: ServiceRequest) -> tuple[CertificateType, DepartmentSeal]:
    if request.status not in ISSUABLE:
        raise ValidationError(_("A certificate is issued once the request is approved; it is “%(status)s”.")
                              % {"status": request.get_status_display()}, code="not_approved")
    ctype = CertificateType.objects.filter(item_id=request.item_id, is_active=True).first() \
        if request.item_id else None
    if ctype is None:
        raise ValidationError(_("This item has no certificate layout yet: ask the county to set it up."),
                              code="no_layout")
    seal = DepartmentSeal.objects.filter(department_id=request.department_id).first()
    if seal is None:
        raise ValidationError(_("%(department)s has no electronic seal yet: ask the county to upload it.")
                              % {"department": request.department.name}, code="no_seal")
    return ctype, seal


def _signing_official(request: ServiceRequest, actor: User | None) -> User | None:
    """Who signs: the officer who issues it; for an automatic issue, the officer who approved it."""
    if actor is not None:
        return actor
    event = (RequestEvent.objects.filter(request=request, action=Action.APPROVE, actor__isnull=False)
             .select_related("actor").order_by("-at", "-pk").first())
    return event.actor if event else None


def _signer(request: ServiceRequest, ctype: CertificateType, actor: User | None):
    """(key, official or None, official's seal or None). The official's own key when they hold one;
    the department's otherwise, unless the item requires a personal key and seal."""
    department = request.department
    official = _signing_official(request, actor)
    key = active_official_key(department=department, official=official)
    seal = OfficialSeal.objects.filter(department=department, official=official).first() if official else None
    if ctype.personal_seal_required:
        name = (official.get_full_name() or official.username) if official else _("the issuing official")
        if key is None:
            raise ValidationError(_("This certificate is signed with the official's own key, and %(name)s has "
                                    "none: ask the department head to issue one.") % {"name": name},
                              code="no_official_key")
        if seal is None:
            raise ValidationError(_("This certificate carries the official's own seal, and %(name)s has none: "
                                    "ask the department head to upload it.") % {"name": name},
                                  code="no_official_seal")
    if key is None:
        return active_signing_key(department=department), None, None
    return key, official, seal


def _issue(request: ServiceRequest, actor: User | None) -> Certificate:
    ctype, seal = _check_issuable(request)
    department = request.department
    key, official, official_seal = _signer(request, ctype, actor)
    county = county_of(department.region)
    issued_at = timezone.now()
    issued_on = timezone.localdate(issued_at)
    expires_on = issued_on + timedelta(days=ctype.validity_days) if ctype.validity_days else None
    number, serial = next_serial(county=county, year=issued_on.year)
    claims = tokens.Claims(key_id=key.key_id, serial=serial, type_code=ctype.code, issued_on=issued_on,
                           expires_on=expires_on, holder_digest=tokens.holder_digest(
                               serial=serial, name=request.applicant_name, id_number=request.applicant_id_number))
    certificate = Certificate.objects.create(
        serial=serial, county=county, year=issued_on.year, number=number, certificate_type=ctype, request=request,
        department=department, holder_name=request.applicant_name,
        holder_id_masked=mask_id_number(request.applicant_id_number), holder_user=request.applicant_user,
        issued_at=issued_at, issued_on=issued_on, expires_on=expires_on, issued_by=actor, signing_key=key,
        signed_by=official, token=tokens.sign_token(claims, private_key_of(key)),
        fields=printed_values(request=request, ctype=ctype, serial=serial, issued_on=issued_on,
                              expires_on=expires_on, county=county),
        layout={"body_html": ctype.body_html, "css": ctype.css, "seal_sha256": seal.sha256,
                **({"official_seal_sha256": official_seal.sha256} if official_seal and ctype.personal_seal_required
                   else {})})
    request_event_record(request, actor=actor, action=Action.NOTE, note=_("Certificate %(serial)s issued.") % {
        "serial": serial}, data={"certificate": certificate.pk, "serial": serial, "automatic": actor is None})
    audit_event_record(actor=actor, action="certificate.issue", target=certificate,
                       data={"request": request.tracking_code, "key_id": key.key_id, "automatic": actor is None,
                             "signed_by": official.pk if official else None})
    _render_after_commit(certificate.pk)
    return certificate


def _render_after_commit(certificate_id: int) -> None:
    """Hand the PDF to Celery once the certificate is committed. A broker that is down neither holds up nor
    fails the officer's request: the PDF stays pending for certificate_pdfs_redispatch."""
    transaction.on_commit(lambda: _hand_off_render(certificate_id))


def _hand_off_render(certificate_id: int) -> bool:
    from gov_services.tasks.certificates import certificate_render_pdf

    return hand_off(certificate_render_pdf, args=(certificate_id,), what=f"certificate {certificate_id}'s PDF")


def certificate_pdfs_redispatch(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Hand Celery again the PDFs of certificates issued longer ago than `older_than` and still pending (their
    hand-off was lost: the broker was down, or lost its queue); count them. Rendering twice stores one PDF:
    certificate_render_pdf_now keeps the first that is ready."""
    stale = list(Certificate.objects.filter(pdf_status=Certificate.PdfStatus.PENDING,
                                            issued_at__lt=timezone.now() - older_than)
                 .order_by("pk").values_list("pk", flat=True)[:500])
    for certificate_id in stale:
        _hand_off_render(certificate_id)
    return len(stale)


@transaction.atomic
def certificate_issue(*, request: ServiceRequest, actor: User) -> Certificate:
    """The officer issues the certificate of an approved request. A second click returns the
    certificate already issued (one valid certificate per request)."""
    request.refresh_from_db(from_queryset=ServiceRequest.objects.select_for_update())
    require_handler(request, actor)
    existing = request.certificates.filter(status=Certificate.Status.VALID).first()
    return existing or _issue(request, actor)


@transaction.atomic
def certificate_issue_on_approval(*, request: ServiceRequest) -> Certificate | None:
    """Automatic issuance, called by the approval: issues when the item's layout says so.

    Never fails the approval: when the set-up is incomplete (no seal, no layout) it leaves an
    internal note for the department to issue by hand, and returns None."""
    request.refresh_from_db(from_queryset=ServiceRequest.objects.select_for_update())
    ctype = CertificateType.objects.filter(item_id=request.item_id, is_active=True, auto_issue=True).first() \
        if request.item_id else None
    if ctype is None or request.certificates.filter(status=Certificate.Status.VALID).exists():
        return None
    try:
        with transaction.atomic():
            return _issue(request, None)
    except ValidationError as error:
        request_event_record(request, actor=None, action=Action.NOTE, internal=True,
                             note=_("Automatic certificate issuance failed: %(reason)s")
                             % {"reason": " ".join(error.messages)})
        return None


# --- The PDF --------------------------------------------------------------------------------------

def verify_url(token: str) -> str:
    base = getattr(settings, "CERTIFICATE_VERIFY_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    return f"{base.rstrip('/')}/verify/{token}"


def qr_html(token: str) -> str:
    """The QR code (an SVG data URI) holding the verification URL with the token."""
    qr = segno.make(verify_url(token), error="m", micro=False)
    return f'<img class="cz-cert-qr" alt="QR" src="{qr.svg_data_uri(scale=4, border=2)}">'


def seal_html(seal: DepartmentSeal | OfficialSeal | None, *, css_class: str = "cz-cert-seal") -> str:
    if seal is None:
        return ""
    import base64

    with seal.image.open("rb") as handle:
        content = handle.read()
    mime = "image/png" if content[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return f'<img class="{css_class}" alt="" src="data:{mime};base64,{base64.b64encode(content).decode()}">'


def certificate_html(certificate: Certificate) -> str:
    """The certificate's HTML document, from the layout and values frozen at issue."""
    seal = DepartmentSeal.objects.filter(department_id=certificate.department_id).first()
    seals = seal_html(seal)
    if certificate.layout.get("official_seal_sha256") and certificate.signed_by_id:
        personal = OfficialSeal.objects.filter(department_id=certificate.department_id,
                                               official_id=certificate.signed_by_id).first()
        seals += seal_html(personal, css_class="cz-cert-seal cz-cert-seal-official")
    body = layout.fill(certificate.layout["body_html"], certificate.fields, seal_html=seals,
                       qr_html=qr_html(certificate.token))
    return layout.document(title=f"{certificate.fields.get('title', '')} {certificate.serial}", body=body,
                           css=certificate.layout.get("css", ""))


def _pdf_signer(certificate: Certificate) -> tuple[SigningKey | CountySigningCertificate, CountySigningCertificate]:
    """(what signs, the county signer whose CA chain it hangs from): the official's own certified key when
    it is still good, so that the PDF signature names them; the county's signing certificate otherwise."""
    key = certificate.signing_key
    if key.certificate_issuer_id and key.revoked_at is None:
        return key, key.certificate_issuer
    county_signer = CountySigningCertificate.objects.filter(county_id=certificate.county_id,
                                                            retired_at__isnull=True).first()
    return county_signer, county_signer


def _sign(pdf: bytes, certificate: Certificate) -> tuple[bytes, bool]:
    signer, issuer = _pdf_signer(certificate)
    if signer is None:
        logger.warning("No PDF signing certificate for county %s: certificate %s left unsigned",
                       certificate.county_id, certificate.serial)
        return pdf, False
    validation = long_term.validation_data(signer=issuer)
    signed = sign_pdf(pdf=pdf, key_pem=signer.private_key_pem.encode("ascii"), passphrase=key_passphrase(),
                      certificate_pem=signer.certificate_pem.encode("ascii"),
                      chain_pem=issuer.chain_pem.encode("ascii"), reason=f"电子证照 {certificate.serial}",
                      location=certificate.county.name, trust_roots_pem=validation.trust_roots_pem,
                      crls_der=validation.crls_der, fetch_revocation=validation.fetch)
    return signed, True


def certificate_render_pdf_now(*, certificate_id: int) -> Certificate:
    """Render, sign and store the PDF (the Celery task's body). Idempotent: a ready PDF is kept."""
    certificate = Certificate.objects.select_related("county", "signing_key__certificate_issuer").get(pk=certificate_id)
    if certificate.pdf_status == Certificate.PdfStatus.READY and certificate.pdf:
        return certificate
    pdf, signed = _sign(render_pdf(html=certificate_html(certificate)), certificate)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.pdf_status == Certificate.PdfStatus.READY and certificate.pdf:
            return certificate  # another worker finished first (acks_late redelivery)
        certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(pdf), save=False)
        certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        certificate.pdf_status = Certificate.PdfStatus.READY
        certificate.pdf_signed = signed
        certificate.save(update_fields=["pdf", "pdf_sha256", "pdf_status", "pdf_signed"])
    return certificate


def certificate_render_failed(*, certificate_id: int) -> None:
    """Mark the PDF failed after the task's last retry: the department sees it and can retry."""
    Certificate.objects.filter(pk=certificate_id).exclude(pdf_status=Certificate.PdfStatus.READY).update(
        pdf_status=Certificate.PdfStatus.FAILED)


@transaction.atomic
def certificate_render_retry(*, certificate: Certificate, actor: User) -> Certificate:
    """Queue the PDF again after a failure (an officer of the issuing department)."""
    certificate = Certificate.objects.select_for_update().select_related("request").get(pk=certificate.pk)
    require_handler(certificate.request, actor)
    if certificate.pdf_status != Certificate.PdfStatus.READY:
        certificate.pdf_status = Certificate.PdfStatus.PENDING
        certificate.save(update_fields=["pdf_status"])
        audit_event_record(actor=actor, action="certificate.render_retry", target=certificate)
        _render_after_commit(certificate.pk)
    return certificate
