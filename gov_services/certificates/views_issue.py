"""A certificate once its request is approved: the department officer's "issue certificate"
(/dept/requests/<pk>/certificate/), then the certificate's page (/certificates/<pk>/): PDF, delivery
(station, office, mail), print log, revocation; and the station's list to print and hand over, ID
checked (/counter/certificates/).
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.audit import audit_events_for
from core.http import site_file_response
from core.service_errors import errors_onto
from gov_services.certificates import selectors, services
from gov_services.certificates.forms import DeliveryForm, MailForm, PrintForm, RevokeForm
from gov_services.certificates.services.issue import ISSUABLE
from gov_services.models import Certificate, ServiceRequest
from gov_services.requests.selectors import requests as request_selectors
from stations.mixins import CounterStaffMixin, DepartmentStaffMixin, RequestFilesMixin
from stations.scope import scope_for


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def _private_pdf(certificate: Certificate, *, download: bool) -> FileResponse:
    if certificate.pdf_status != Certificate.PdfStatus.READY or not certificate.pdf:
        raise Http404(_("The PDF is still being prepared."))
    return site_file_response(certificate.pdf, filename=f"{certificate.serial}.pdf", content_type="application/pdf",
                              inline=not download)


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
