"""Certificate screens.

* County staff (/county/certificates/…): a layout per catalogue item that ends in a certificate,
  with an HTML preview; each department's seal and signing keys.
* Department officers: "issue certificate" on an approved request (/dept/requests/<pk>/certificate/),
  then the certificate's page: PDF, delivery (station, office, mail), print log, revocation.
* Station staff (/counter/certificates/): certificates to print and hand over, ID checked.
* Residents (/me/certificates/): the wallet; attach a certificate to a later application.
* Everyone, signed in or not (/verify/…): check a code or a photo of the QR, the public keys and the
  signed revocation list. Rate-limited per client address; bad input is a "not valid" answer, never a 500.
"""

import io
import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_ratelimit.core import is_ratelimited

from core.audit import audit_events_for
from core.http import site_file_response, user_file_response
from core.masking import mask_id_number
from core.service_errors import errors_onto
from gov_services import certificate_layout as layout
from gov_services import certificate_tokens as tokens
from gov_services.forms_certificates import (
    AttachForm,
    CertificateTypeForm,
    DeliveryForm,
    HolderCheckForm,
    MailForm,
    PrintForm,
    RevokeForm,
    SealUploadForm,
    VerifyForm,
)
from gov_services.models import Certificate, CertificateType, ServiceRequest, SigningKey
from gov_services.selectors import certificates as selectors
from gov_services.selectors import requests as request_selectors
from gov_services.services import certificates as services
from gov_services.services.certificates.delivery import ATTACHABLE
from gov_services.services.certificates.issue import ISSUABLE
from stations.mixins import CounterStaffMixin, DepartmentStaffMixin, RequestFilesMixin
from stations.scope import get_in_scope, scope_for

VERIFY_ATTEMPTS = 60        # verifications per client address …
VERIFY_WINDOW = 10 * 60     # … per ten minutes
SAMPLE_HOLDER = ("张三", "130225198001010011")


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def _private_pdf(certificate: Certificate, *, download: bool) -> FileResponse:
    if certificate.pdf_status != Certificate.PdfStatus.READY or not certificate.pdf:
        raise Http404(_("The PDF is still being prepared."))
    return site_file_response(certificate.pdf, filename=f"{certificate.serial}.pdf", content_type="application/pdf",
                              inline=not download)


# --- County set-up ---------------------------------------------------------------------------------

class _CountyStaffMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.can_manage_certificates(user=request.user):
            raise PermissionDenied(_("Certificates are set up by the county's administrators."))
        return super().dispatch(request, *args, **kwargs)


class CertificateTypeListView(_CountyStaffMixin, View):
    """Items that end in a certificate, each with its layout's state; departments with seal and key."""

    def get(self, request):
        items = list(selectors.certificate_item_list(user=request.user))
        for item in items:
            item.ctype = getattr(item, "certificate_type", None)
        departments = list(selectors.certificate_department_list(user=request.user)
                           .prefetch_related("signing_keys"))
        for department in departments:
            department.has_seal = hasattr(department, "seal")
            department.active_key = next((k for k in department.signing_keys.all()
                                          if k.retired_at is None and k.official_id is None), None)
        return TemplateResponse(request, "gov_services/certificates/type_list.html",
                                {"items": items, "departments": departments})


def _sample_values(item) -> dict[str, str]:
    """Placeholder values for the preview: a sample holder, each form field shown by its label."""
    name, number = SAMPLE_HOLDER
    values = {"title": item.name, "serial": "130225-2026-000001", "holder_name": name,
              "holder_id_masked": mask_id_number(number), "holder_id_number": number,
              "issue_date": "2026年1月5日", "expiry_date": "2026年7月4日", "department": item.department.name,
              "county": item.department.region.name, "village": "示例村"}
    for field in item.form_schema or []:
        values[f"form.{field['name']}"] = f"〔{field.get('label', field['name'])}〕"
    return values


def preview_document(item, *, title: str, body_html: str, css: str) -> str:
    """The layout filled with sample values, a sample QR code and a stand-in seal."""
    seal = ('<svg xmlns="http://www.w3.org/2000/svg" class="cz-cert-seal" viewBox="0 0 100 100">'
            '<circle cx="50" cy="50" r="46" fill="none" stroke="#c00" stroke-width="4"/>'
            '<text x="50" y="56" text-anchor="middle" font-size="14" fill="#c00">印章示例</text></svg>')
    values = {**_sample_values(item), "title": title or item.name}
    body = layout.fill(body_html, values, seal_html=seal, qr_html=services.qr_html("CZ1.SAMPLE"))
    return layout.document(title=title, body=body, css=css)


class CertificateTypeEditView(_CountyStaffMixin, View):
    """Edit an item's certificate layout. "Preview" shows the unsaved layout filled with sample values
    (HTML, in a sandboxed frame); "Save" checks it and saves, or shows every problem beside the field."""

    template_name = "gov_services/certificates/type_form.html"

    def _load(self, request, item_id):
        item = selectors.access_certificate_item_for_edit(user=request.user, item_id=item_id)
        return item, selectors.certificate_type_for_item(item=item)

    def _render(self, request, item, ctype, form, *, preview: str = "", status: int = 200):
        return TemplateResponse(request, self.template_name, {
            "item": item, "ctype": ctype, "form": form, "preview": preview,
            "form_fields": [(f"form.{f['name']}", f.get("label", f["name"])) for f in item.form_schema or []],
            "text_fields": layout.TEXT_FIELDS,
            "history": audit_events_for(ctype)[:10] if ctype else [],
        }, status=status)

    def get(self, request, item_id):
        item, ctype = self._load(request, item_id)
        initial = {} if ctype else {"title": item.name, "code": item.code, "body_html": layout.DEFAULT_BODY,
                                    "css": layout.DEFAULT_CSS}
        form = CertificateTypeForm(instance=ctype or CertificateType(item=item), initial=initial)
        preview = preview_document(item, title=ctype.title, body_html=ctype.body_html, css=ctype.css) if ctype else ""
        return self._render(request, item, ctype, form, preview=preview)

    def post(self, request, item_id):
        item, ctype = self._load(request, item_id)
        form = CertificateTypeForm(request.POST, instance=CertificateType(item=item))
        if not form.is_valid():
            return self._render(request, item, ctype, form, status=400)
        data = form.cleaned_data
        if "preview" in request.POST:
            problems = layout.layout_problems(data["body_html"], data["css"],
                                              form_fields=[f["name"] for f in item.form_schema or []])
            for problem in problems:
                form.add_error("body_html", problem)
            preview = "" if problems else preview_document(item, title=data["title"], body_html=data["body_html"],
                                                            css=data["css"])
            return self._render(request, item, ctype, form, preview=preview)
        try:
            services.certificate_type_save(item=item, actor=request.user, **data)
        except ValidationError as error:
            errors_onto(form, error)
            return self._render(request, item, ctype, form, status=400)
        messages.success(request, _("The certificate layout of “%(item)s” is saved. Certificates issued from now "
                                    "on use it.") % {"item": item.name})
        return HttpResponseRedirect(reverse("gov_services:certificate-type-edit", args=[item.pk]))


class DepartmentCertificateSetupView(_CountyStaffMixin, View):
    """A department's seal (upload and look) and signing keys (list and rotate)."""

    template_name = "gov_services/certificates/department_setup.html"

    def _render(self, request, department, form, status=200):
        return TemplateResponse(request, self.template_name, {
            "department": department, "form": form, "seal": getattr(department, "seal", None),
            "keys": selectors.department_keys(department=department),
            "algorithms": SigningKey.Algorithm.choices, "default_algorithm": _key_algorithm_now(department),
            "history": audit_events_for(department).filter(action__startswith="department_seal")[:10],
        }, status=status)

    def get(self, request, pk):
        department = selectors.access_department_for_certificates(user=request.user, department_id=pk)
        return self._render(request, department, SealUploadForm())

    def post(self, request, pk):
        department = selectors.access_department_for_certificates(user=request.user, department_id=pk)
        form = SealUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, department, form, status=400)
        try:
            services.department_seal_upload(department=department, content=form.cleaned_data["image"].read(),
                                            actor=request.user)
        except ValidationError as error:
            form.add_error("image", error.message_dict.get("image", error.messages))
            return self._render(request, department, form, status=400)
        messages.success(request, _("The seal of %(department)s is saved. The system applies it to every "
                                    "certificate the department issues.") % {"department": department.name})
        return HttpResponseRedirect(reverse("gov_services:certificate-department", args=[pk]))


class DepartmentSealImageView(_CountyStaffMixin, View):
    """The seal image, for the county staff who manage it (never a public URL)."""

    def get(self, request, pk):
        department = selectors.access_department_for_certificates(user=request.user, department_id=pk)
        seal = getattr(department, "seal", None)
        if seal is None:
            raise Http404(_("This department has no seal yet."))
        return user_file_response(seal.image, filename=f"seal-{department.pk}", preview=True)


def _key_algorithm_now(department) -> str:
    """What the rotate form offers first: the algorithm of the key in use, else the platform's default."""
    current = department.signing_keys.filter(retired_at__isnull=True, official__isnull=True).first()
    return current.algorithm if current else services.token_algorithm()


class SigningKeyRotateView(_CountyStaffMixin, View):
    def post(self, request, pk):
        department = selectors.access_department_for_certificates(user=request.user, department_id=pk)
        try:
            key = services.signing_key_rotate(department=department, actor=request.user,
                                              algorithm=request.POST.get("algorithm") or None)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("New signing key %(key)s (%(algorithm)s) is in use. Certificates signed "
                                        "with the old key still verify.")
                             % {"key": key.key_id, "algorithm": key.get_algorithm_display()})
        return HttpResponseRedirect(reverse("gov_services:certificate-department", args=[pk]))


# --- Department: issue and the certificate's page ------------------------------------------------

def certificate_panel(service_request: ServiceRequest, user) -> dict | None:
    """The request page's certificate box: the certificate, or whether this officer can issue it now."""
    if not service_request.item_id or not service_request.item.issues_certificate:
        return None
    certificate = service_request.certificates.filter(status=Certificate.Status.VALID).first()
    revoked = service_request.certificates.filter(status=Certificate.Status.REVOKED).count()
    can_issue = (certificate is None and service_request.status in ISSUABLE
                 and scope_for(user).can_handle_request(service_request))
    return {"certificate": certificate, "revoked_count": revoked, "can_issue": can_issue,
            "issue_url": reverse("gov_services:certificate-issue", args=[service_request.pk])}


class CertificateIssueView(DepartmentStaffMixin, View):
    def post(self, request, pk):
        service_request = request_selectors.access_service_request_by_id(user=request.user, request_id=pk)
        detail = reverse("gov_services:dept-request-detail", args=[pk])
        try:
            certificate = services.certificate_issue(request=service_request, actor=request.user)
        except PermissionDenied as error:
            messages.error(request, _("Nothing was done: %(reason)s") % {"reason": str(error)})
            return HttpResponseRedirect(detail)
        except ValidationError as error:
            messages.warning(request, _("No certificate was issued: %(reason)s") % {"reason": _messages_of(error)})
            return HttpResponseRedirect(detail)
        messages.success(request, _("Certificate %(serial)s issued. Its PDF is being prepared; complete the "
                                    "request once it is handed over.") % {"serial": certificate.serial})
        return HttpResponseRedirect(reverse("gov_services:certificate-detail", args=[certificate.pk]))


class CertificateDetailView(RequestFilesMixin, View):
    template_name = "gov_services/certificates/detail.html"

    def get(self, request, pk):
        certificate = selectors.access_certificate_by_id(user=request.user, certificate_id=pk)
        return self.render_page(request, certificate)

    def render_page(self, request, certificate, *, forms: dict | None = None, status: int = 200):
        user = request.user
        officer = selectors.is_issuing_officer(user=user, certificate=certificate)
        at_station = selectors.serves_request_station(user=user, certificate=certificate)
        valid = certificate.status == Certificate.Status.VALID
        forms = forms or {}
        return TemplateResponse(request, self.template_name, {
            "certificate": certificate,
            "is_officer": officer,
            "can_print": valid and (officer or at_station),
            "revoke_form": forms.get("revoke") or (RevokeForm() if officer and valid else None),
            "mail_form": forms.get("mail") or (MailForm(initial={"address": certificate.mail_address})
                                               if officer and valid else None),
            "delivery_form": DeliveryForm(initial={"delivery": certificate.delivery or "station"})
            if officer and valid and certificate.delivery != Certificate.Delivery.MAIL else None,
            "print_form": forms.get("print") or (PrintForm(initial={"idempotency_key": uuid.uuid4()})
                                                 if valid and (officer or at_station) else None),
            "prints": certificate.prints.select_related("printed_by", "station"),
            "history": audit_events_for(certificate)[:20] if officer else [],
            "verify_url": services.verify_url(certificate.token),
            "is_holder": certificate.holder_user_id == user.pk,
        }, status=status)


class CertificatePdfView(RequestFilesMixin, View):
    def get(self, request, pk):
        certificate = selectors.access_certificate_by_id(user=request.user, certificate_id=pk)
        return _private_pdf(certificate, download=request.GET.get("download") == "1")


class _CertificateActionView(DepartmentStaffMixin, View):
    """POST one change on a certificate: the issuing department's (anyone else without a department
    gets 403 before the form is read). Bad input re-renders the page with the errors, refusals come
    back as a message. Nothing is half-saved."""

    form_class = None
    form_name = ""

    def perform(self, request, certificate, data) -> str:
        raise NotImplementedError

    def post(self, request, pk):
        certificate = selectors.access_certificate_by_id(user=request.user, certificate_id=pk)
        detail = reverse("gov_services:certificate-detail", args=[pk])
        form = self.form_class(request.POST)
        page = CertificateDetailView()
        if not form.is_valid():
            return page.render_page(request, certificate, forms={self.form_name: form}, status=400)
        try:
            message = self.perform(request, certificate, form.cleaned_data)
        except PermissionDenied as error:
            messages.error(request, _("Nothing was done: %(reason)s") % {"reason": str(error)})
            return HttpResponseRedirect(detail)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors_onto(form, error)
                return page.render_page(request, certificate, forms={self.form_name: form}, status=400)
            messages.warning(request, _("Nothing was done: %(reason)s") % {"reason": _messages_of(error)})
            return HttpResponseRedirect(detail)
        messages.success(request, message)
        return HttpResponseRedirect(detail)


class CertificateRevokeView(_CertificateActionView):
    form_class, form_name = RevokeForm, "revoke"

    def perform(self, request, certificate, data) -> str:
        services.certificate_revoke(certificate=certificate, actor=request.user, reason=data["reason"])
        return _("Certificate %(serial)s is revoked. Verification shows it at once.") % {"serial": certificate.serial}


class CertificateMailView(_CertificateActionView):
    form_class, form_name = MailForm, "mail"

    def perform(self, request, certificate, data) -> str:
        services.certificate_mail(certificate=certificate, actor=request.user, address=data["address"],
                                  tracking_number=data["tracking_number"])
        return _("Mailing recorded; the resident gets an SMS with the tracking number.")


class CertificateDeliveryView(_CertificateActionView):
    form_class, form_name = DeliveryForm, "delivery"

    def perform(self, request, certificate, data) -> str:
        services.certificate_delivery_choose(certificate=certificate, actor=request.user, delivery=data["delivery"])
        return _("Delivery saved.")


class CertificatePrintView(_CertificateActionView):
    """Printed and handed over at the request's station, or at the issuing office."""

    form_class, form_name = PrintForm, "print"
    required_post = ("is_counter_staff", "is_department_staff")
    refusal = gettext_lazy("Certificates are printed at the resident's station or at the issuing office.")

    def perform(self, request, certificate, data) -> str:
        entry = services.certificate_print_record(certificate=certificate, actor=request.user, **data)
        kind = _("Reprint") if entry.is_reprint else _("Print")
        return _("%(kind)s logged: handed to %(name)s. Open the PDF and print it.") % {
            "kind": kind, "name": entry.collector_name}


class CertificateRenderRetryView(DepartmentStaffMixin, View):
    def post(self, request, pk):
        certificate = selectors.access_certificate_by_id(user=request.user, certificate_id=pk)
        try:
            services.certificate_render_retry(certificate=certificate, actor=request.user)
        except PermissionDenied as error:
            messages.error(request, _("Nothing was done: %(reason)s") % {"reason": str(error)})
        else:
            messages.info(request, _("The PDF is being prepared again."))
        return HttpResponseRedirect(reverse("gov_services:certificate-detail", args=[pk]))


class StationCertificateListView(CounterStaffMixin, View):
    """/counter/certificates/: certificates of requests filed at the operator's station, to print."""

    def get(self, request):
        certificates = selectors.station_certificate_list(user=request.user)[:100]
        return TemplateResponse(request, "gov_services/certificates/station_list.html",
                                {"certificates": certificates})


# --- The resident's wallet ---------------------------------------------------------------------------

def _attachable_requests(user) -> list[ServiceRequest]:
    return list(request_selectors.resident_request_list(user=user).filter(status__in=ATTACHABLE))


class WalletView(LoginRequiredMixin, View):
    template_name = "gov_services/certificates/wallet.html"

    def get(self, request):
        certificates = list(selectors.wallet(user=request.user))
        requests = _attachable_requests(request.user)
        return TemplateResponse(request, self.template_name, {
            "certificates": certificates, "attach_requests": requests,
            "attach_form": AttachForm(requests=requests) if requests else None})


class WalletAttachView(LoginRequiredMixin, View):
    def post(self, request, pk):
        wallet_url = reverse("gov_services:certificate-wallet")
        certificate = get_in_scope(selectors.wallet(user=request.user), pk=pk)
        requests = _attachable_requests(request.user)
        form = AttachForm(request.POST, requests=requests)
        if not form.is_valid():
            messages.error(request, _("Choose one of your certificates and one of your open requests."))
            return HttpResponseRedirect(wallet_url)
        target = next(r for r in requests if r.pk == form.cleaned_data["request_id"])
        try:
            services.certificate_attach_to_request(certificate=certificate, request=target, actor=request.user)
        except (PermissionDenied, ValidationError) as error:
            reason = _messages_of(error) if isinstance(error, ValidationError) else str(error)
            messages.warning(request, _("Nothing was attached: %(reason)s") % {"reason": reason})
            return HttpResponseRedirect(wallet_url)
        messages.success(request, _("%(title)s attached to request %(code)s.") % {
            "title": certificate.certificate_type.title, "code": target.tracking_code})
        return HttpResponseRedirect(reverse("gov_services:resident-service-request-detail", args=[target.pk]))


# --- Public verification --------------------------------------------------------------------------------

def verify_attempt_allowed(request) -> bool:
    """Count one verification from this client address; False once VERIFY_ATTEMPTS are used in the window."""
    return not is_ratelimited(request, group="gov_services.verify", key="ip",
                              rate=(VERIFY_ATTEMPTS, VERIFY_WINDOW), increment=True)


def decode_qr_photo(upload) -> str | None:
    """The text of the first QR code in a photo, or None. Phones' HEIC photos are read when
    pillow-heif is installed; huge images are refused by Pillow's decompression-bomb guard."""
    import zxingcpp
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    except ImportError:  # optional
        pass
    try:
        with Image.open(io.BytesIO(upload.read())) as image:
            image = ImageOps.exif_transpose(image).convert("L")
            image.thumbnail((2400, 2400))
            results = zxingcpp.read_barcodes(image)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    for result in results:
        token = tokens.extract_token(result.text)
        if token:
            return token
    return results[0].text if results else None


def _limited(request, template: str, context: dict):
    return TemplateResponse(request, template, {**context, "limited": True}, status=429)


class VerifyView(View):
    """/verify/: paste a code or upload a photo of the QR code; the answer is /verify/<token>."""

    template_name = "gov_services/certificates/verify.html"

    def get(self, request):
        return TemplateResponse(request, self.template_name, {"form": VerifyForm()})

    def post(self, request):
        form = VerifyForm(request.POST, request.FILES)
        if not verify_attempt_allowed(request):
            return _limited(request, self.template_name, {"form": form})
        if not form.is_valid():
            return TemplateResponse(request, self.template_name, {"form": form}, status=400)
        text = form.cleaned_data.get("code") or ""
        token = tokens.extract_token(text)
        if token is None and form.cleaned_data.get("photo"):
            decoded = decode_qr_photo(form.cleaned_data["photo"])
            if decoded is None:
                form.add_error("photo", _("No QR code could be read in this photo. Take it closer, in good "
                                          "light, with the whole code in the picture."))
                return TemplateResponse(request, self.template_name, {"form": form}, status=400)
            token = tokens.extract_token(decoded) or decoded
        token = token or text.strip()
        result = selectors.certificate_verify(token=token[:tokens.MAX_TOKEN_LENGTH + 1])
        return TemplateResponse(request, "gov_services/certificates/verify_result.html",
                                {"result": result, "token": token if result.state != "forged" else "",
                                 "check_form": HolderCheckForm() if result.state != "forged" else None})


class VerifyTokenView(View):
    """/verify/<token>: the answer for one code (what a phone camera opens from the QR code). POST
    checks the holder: the name and ID number on the card against the certificate's fingerprint."""

    template_name = "gov_services/certificates/verify_result.html"

    def get(self, request, token):
        if not verify_attempt_allowed(request):
            return _limited(request, self.template_name, {"result": None})
        result = selectors.certificate_verify(token=token)
        return TemplateResponse(request, self.template_name, {
            "result": result, "token": token if result.state != "forged" else "",
            "check_form": HolderCheckForm() if result.state != "forged" else None})

    def post(self, request, token):
        if not verify_attempt_allowed(request):
            return _limited(request, self.template_name, {"result": None})
        result = selectors.certificate_verify(token=token)
        form = HolderCheckForm(request.POST)
        holder_match = None
        if result.state != "forged" and form.is_valid():
            claims, _signed, _signature = tokens.parse_token(token)
            holder_match = claims.holder_digest == tokens.holder_digest(
                serial=claims.serial, name=form.cleaned_data["name"], id_number=form.cleaned_data["id_number"])
        return TemplateResponse(request, self.template_name, {
            "result": result, "token": token if result.state != "forged" else "", "check_form": form,
            "holder_match": holder_match}, status=200 if form.is_valid() or result.state == "forged" else 400)


class PublicKeysView(View):
    """/verify/keys.json: every department's public keys, retired ones included, by key id."""

    def get(self, request):
        response = JsonResponse({"format": "CZ1-keys", "keys": selectors.public_keys()},
                                json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Cache-Control"] = "public, max-age=300"
        response["Access-Control-Allow-Origin"] = "*"
        return response


class RevocationListView(View):
    """/verify/revocations.json: revoked serials per department, each section signed by its key."""

    def get(self, request):
        response = JsonResponse(services.revocation_list_build(), json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "public, max-age=60"
        response["Access-Control-Allow-Origin"] = "*"
        return response


class CountyCrlView(View):
    """/verify/ca/<id>.crl: the county demo CA's certificate revocation list (DER), the distribution point
    written in the certificates it issues, so that PDF validators (and our signer, for B-LT) can fetch it."""

    def get(self, request, signer_id: int):
        crl = services.published_crl(signer_id=signer_id)
        if crl is None:
            raise Http404
        response = HttpResponse(crl, content_type="application/pkix-crl")
        response["Cache-Control"] = "public, max-age=300"
        return response


class CertificateTokenDocView(View):
    """/verify/format/: the token format for people writing an offline verifier (docs/certificate-token.md)."""

    def get(self, request):
        from django.conf import settings

        path = settings.BASE_DIR / "docs" / "certificate-token.md"
        if not path.exists():
            raise Http404
        return site_file_response(path.read_bytes(), filename=path.name, content_type="text/markdown; charset=utf-8",
                                  inline=True)
