"""The resident's certificate wallet (/me/certificates/): their own certificates, and attaching one to a
later application of theirs.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from gov_services.certificates import selectors, services
from gov_services.certificates.forms import AttachForm
from gov_services.certificates.services.delivery import ATTACHABLE
from gov_services.certificates.views_issue import _messages_of
from gov_services.models import ServiceRequest
from gov_services.requests.selectors import requests as request_selectors
from stations.scope import get_in_scope


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
