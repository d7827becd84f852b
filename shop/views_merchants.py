"""Membership screens: the public application form and the county's vetting desk (/county/merchants/)."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.audit import audit_events_for
from core.http import user_file_response
from core.service_errors import errors_onto
from shop import services
from shop.forms_merchants import ApproveForm, MerchantApplicationForm, ReasonForm, RejectForm, RevetForm
from shop.models import Merchant, MerchantApplication
from shop.selectors import merchants as selectors
from stations.mixins import CountyStaffMixin


class MerchantApplyView(View):
    """Anyone may apply; nothing is saved until everything, the licence scan included, passes."""

    template_name = "shop/merchant_apply.html"

    def get(self, request):
        return self._render(MerchantApplicationForm(initial={"idempotency_key": uuid.uuid4()}))

    def post(self, request):
        form = MerchantApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = services.merchant_application_submit(
                    idempotency_key=data["idempotency_key"], business_name=data["business_name"],
                    credit_code=data["credit_code"], licence=data["licence"], contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"], address=data["address"], categories=data["categories"],
                    township_ids=[t.pk for t in data["townships"]], note=data["note"], actor=request.user)
            except ValidationError as error:
                errors_onto(form, error)
            else:
                return redirect("shop:merchant-apply-done", reference=application.reference)
        return self._render(form, status=422)

    def _render(self, form, status=200):
        return render(self.request, self.template_name, {"form": form}, status=status)


class MerchantApplyDoneView(TemplateView):
    """Shows the reference from the URL (TemplateView puts URL kwargs into the context)."""

    template_name = "shop/merchant_apply_done.html"


class CountyMerchantListView(CountyStaffMixin, TemplateView):
    """Applications awaiting vetting, then every member merchant with its standing."""

    template_name = "shop/county_merchant_list.html"

    def get_context_data(self, **kwargs):
        user, show = self.request.user, self.request.GET.get("show", "")
        status = show if show in Merchant.Status.values else None
        return super().get_context_data(
            pending=selectors.merchant_application_list(user=user, status=MerchantApplication.Status.SUBMITTED),
            decided=selectors.merchant_application_list(user=user).exclude(
                status=MerchantApplication.Status.SUBMITTED)[:20],
            merchants=selectors.merchant_list(user=user, status=status, revet_due=show == "revet"),
            show=show, statuses=Merchant.Status.choices, revet_due=selectors.revet_is_due, **kwargs)


class CountyApplicationDetailView(CountyStaffMixin, TemplateView):
    template_name = "shop/county_application_detail.html"

    def get_context_data(self, **kwargs):
        application = selectors.access_merchant_application_by_id(user=self.request.user,
                                                                  application_id=self.kwargs["pk"])
        can_vet = (application.status == MerchantApplication.Status.SUBMITTED
                   and selectors.can_vet_merchants(user=self.request.user))
        return super().get_context_data(
            application=application, history=audit_events_for(application),
            approve_form=kwargs.pop("approve_form", ApproveForm()) if can_vet else None,
            reject_form=kwargs.pop("reject_form", RejectForm()) if can_vet else None, **kwargs)


class ApplicationLicenceView(CountyStaffMixin, View):
    """The licence scan, from private storage, to county staff who may see the application."""

    def get(self, request, pk):
        application = selectors.access_merchant_application_by_id(user=request.user, application_id=pk)
        return user_file_response(application.licence, filename=f"licence-{application.reference}", preview=True)


class ApplicationApproveView(CountyStaffMixin, View):
    """The service refuses (403) anyone whose role does not vet merchants."""

    def post(self, request, pk):
        selectors.access_merchant_application_by_id(user=request.user, application_id=pk)
        form = ApproveForm(request.POST)
        if not form.is_valid():
            return self._again(request, pk, form)
        try:
            merchant, account, password = services.merchant_application_approve(
                user=request.user, application_id=pk, revet_on=form.cleaned_data["revet_on"])
        except ValidationError as error:
            errors_onto(form, error)
            return self._again(request, pk, form)
        # Rendered, not redirected: the one-time password must not travel in a message cookie.
        return render(request, "shop/county_merchant_admitted.html",
                      {"merchant": merchant, "account": account, "initial_password": password})

    def _again(self, request, pk, form):
        return _detail_with(request, pk, approve_form=form)


class ApplicationRejectView(CountyStaffMixin, View):
    def post(self, request, pk):
        selectors.access_merchant_application_by_id(user=request.user, application_id=pk)
        form = RejectForm(request.POST)
        if form.is_valid():
            try:
                services.merchant_application_reject(user=request.user, application_id=pk,
                                                     reason=form.cleaned_data["reason"])
            except ValidationError as error:
                errors_onto(form, error)
            else:
                messages.success(request, _("The application was rejected and the applicant told why."))
                return redirect("shop:county-merchant-list")
        return _detail_with(request, pk, reject_form=form)


def _detail_with(request, pk, **forms):
    view = CountyApplicationDetailView()
    view.setup(request, pk=pk)
    context = view.get_context_data(**forms)
    return render(request, view.template_name, context, status=422)


class CountyMerchantDetailView(CountyStaffMixin, TemplateView):
    template_name = "shop/county_merchant_detail.html"

    def get_context_data(self, **kwargs):
        merchant = selectors.access_merchant_by_id(user=self.request.user, merchant_id=self.kwargs["pk"])
        can_change = selectors.can_manage_merchants(user=self.request.user)
        return super().get_context_data(
            merchant=merchant, history=audit_events_for(merchant)[:50],
            application=MerchantApplication.objects.filter(merchant=merchant).first(),
            users=merchant.partner.users.order_by("username"), revet_is_due=selectors.revet_is_due(merchant),
            status_form=kwargs.pop("status_form", ReasonForm()) if can_change else None,
            revet_form=kwargs.pop("revet_form", RevetForm()) if can_change else None, **kwargs)


class _MerchantActionView(CountyStaffMixin, View):
    """The service refuses (403) anyone whose role does not manage merchants."""

    form_class = ReasonForm
    form_name = "status_form"
    done_message = ""

    def post(self, request, pk):
        selectors.access_merchant_by_id(user=request.user, merchant_id=pk)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.act(request.user, pk, form.cleaned_data)
            except ValidationError as error:
                errors_onto(form, error)
            else:
                messages.success(request, self.done_message)
                return redirect("shop:county-merchant-detail", pk=pk)
        view = CountyMerchantDetailView()
        view.setup(request, pk=pk)
        return render(request, view.template_name, view.get_context_data(**{self.form_name: form}), status=422)


class MerchantSuspendView(_MerchantActionView):
    done_message = gettext_lazy("The merchant is suspended: their goods are hidden and cannot be ordered.")

    def act(self, user, pk, data):
        services.merchant_suspend(user=user, merchant_id=pk, reason=data["reason"])


class MerchantReinstateView(_MerchantActionView):
    done_message = gettext_lazy("The merchant is reinstated.")

    def act(self, user, pk, data):
        services.merchant_reinstate(user=user, merchant_id=pk, reason=data["reason"])


class MerchantRevetView(_MerchantActionView):
    form_class = RevetForm
    form_name = "revet_form"
    done_message = gettext_lazy("The re-vetting is recorded.")

    def act(self, user, pk, data):
        services.merchant_revet(user=user, merchant_id=pk, revet_on=data["revet_on"], note=data["note"])
