"""Setting up the till in the back office (/county/till-setup/ …): providers, products, commission plans.

Township and county admins read every page (the back office's workspace); creating, editing,
importing and new plan versions are for county admins holding the role's permission
(stations.scope.can_set_up_till: 403 for anyone else). Views parse, check, call one service or
selector, and render; a service's refusal is shown beside the fields, with what was typed kept.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, View

from agency import selectors_setup as selectors
from agency.forms_setup import (
    SERVICE_FIELD,
    CommissionPreviewForm,
    PlanCreateForm,
    PlanTermsForm,
    ProductForm,
    ProviderForm,
    SetupApplyForm,
    SetupImportForm,
)
from agency.services import setup as services
from agency.services import setup_import
from agency.services.setup_import_cells import SetupSheet
from agency.services.setup_import_sheets import SHEETS
from core.audit import audit_events_for
from core.http import int_or_none
from core.import_views import ImportPageMixin
from core.service_errors import errors_onto
from core.spreadsheets import FORMATS, spreadsheet_response
from core.views import ImportJobStatusView
from stations.mixins import CountyStaffMixin
from stations.scope import can_set_up_till


class SetupReadMixin(CountyStaffMixin):
    """Township and county admins read the set-up; `can_edit` says whether the buttons are offered."""

    def can_edit(self, permission: str = "agency.change_product") -> bool:
        return can_set_up_till(self.request.user, permission)


class SetupEditMixin(SetupReadMixin):
    """Only county admins with `permission` get in (403 for a township admin)."""

    permission = "agency.change_product"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.can_edit(self.permission):
            raise PermissionDenied(_("Only a county admin sets up the till's providers, products and commission "
                                     "plans."))
        return super().dispatch(request, *args, **kwargs)


def _sheet(kind: str) -> SetupSheet:
    sheet = SHEETS.get(kind)
    if sheet is None:
        raise Http404(_("Unknown kind of import."))
    return sheet


# --- the overview and the lists ----------------------------------------------------------------------

class SetupHomeView(SetupReadMixin, View):
    """Providers and commission plans (with the terms in force), and the way to the products."""

    def get(self, request):
        today = timezone.localdate()
        plans = [(plan, selectors.version_rows(plan, today=today)) for plan in selectors.plan_list()]
        return TemplateResponse(request, "agency/setup/home.html", {
            "providers": selectors.provider_list(), "plans": plans, "today": today,
            "product_count": selectors.setup_product_list().count(), "can_edit": self.can_edit(),
            "sheets": SHEETS.values()})


class SetupProductListView(SetupReadMixin, ListView):
    template_name = "agency/setup/product_list.html"
    context_object_name = "products"
    paginate_by = 50

    def get_queryset(self):
        return selectors.setup_product_list(provider_id=int_or_none(self.request.GET.get("provider")),
                                            query=(self.request.GET.get("q") or "").strip()[:40])

    def get_context_data(self, **kwargs):
        return super().get_context_data(providers=selectors.provider_list(), can_edit=self.can_edit(),
                                        provider_id=int_or_none(self.request.GET.get("provider")),
                                        query=(self.request.GET.get("q") or "").strip()[:40], **kwargs)


# --- providers and products: create and edit ----------------------------------------------------------

class _EditView(SetupEditMixin, View):
    """A form for a service: GET shows it, POST calls `save` and shows its refusal beside the fields."""

    template_name = ""
    success_message = ""

    def load(self, **kwargs) -> None:
        """Look up the row the URL names (after the access checks, so a stranger learns nothing)."""

    def form(self, data=None):
        raise NotImplementedError

    def save(self, form):
        raise NotImplementedError

    def context(self) -> dict:
        return {}

    def success_url(self, row) -> str:
        return reverse("agency:setup-home")

    def render(self, form):
        return TemplateResponse(self.request, self.template_name, {"form": form, **self.context()})

    def get(self, request, *args, **kwargs):
        self.load(**kwargs)
        return self.render(self.form())

    def post(self, request, *args, **kwargs):
        self.load(**kwargs)
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            row = self.save(form)
        except ValidationError as error:
            errors_onto(form, error, fields=SERVICE_FIELD)
            return self.render(form)
        messages.success(request, self.success_message % {"name": row})
        return HttpResponseRedirect(self.success_url(row))


class ProviderCreateView(_EditView):
    permission = "agency.add_provider"
    template_name = "agency/setup/provider_form.html"
    success_message = gettext_lazy("Provider “%(name)s” added.")

    def form(self, data=None):
        return ProviderForm(data)

    def save(self, form):
        fields = form.service_fields()
        return services.provider_create(actor=self.request.user, code=fields.pop("code"), **fields)


class ProviderUpdateView(_EditView):
    permission = "agency.change_provider"
    template_name = "agency/setup/provider_form.html"
    success_message = gettext_lazy("Provider “%(name)s” saved.")

    def load(self, **kwargs):
        self.provider = selectors.access_provider_by_id(provider_id=kwargs["pk"])

    def form(self, data=None):
        return ProviderForm(data, provider=self.provider)

    def context(self):
        return {"provider": self.provider, "history": audit_events_for(self.provider)[:10]}

    def save(self, form):
        return services.provider_update(actor=self.request.user, provider=self.provider, **form.service_fields())


class ProductCreateView(_EditView):
    permission = "agency.add_product"
    template_name = "agency/setup/product_form.html"
    success_message = gettext_lazy("Product “%(name)s” added.")

    def form(self, data=None):
        initial = {"provider": int_or_none(self.request.GET.get("provider"))}
        return ProductForm(data, initial=initial)

    def save(self, form):
        return services.product_create(actor=self.request.user, code=form.cleaned_data["code"],
                                       **form.service_fields())

    def success_url(self, row):
        return reverse("agency:setup-product-list")


class ProductUpdateView(_EditView):
    permission = "agency.change_product"
    template_name = "agency/setup/product_form.html"
    success_message = gettext_lazy("Product “%(name)s” saved.")

    def load(self, **kwargs):
        self.product = selectors.access_product_by_id(product_id=kwargs["pk"])

    def form(self, data=None):
        return ProductForm(data, product=self.product)

    def context(self):
        return {"product": self.product, "history": audit_events_for(self.product)[:10]}

    def save(self, form):
        return services.product_update(actor=self.request.user, product=self.product, **form.service_fields())

    def success_url(self, row):
        return reverse("agency:setup-product-list")


# --- commission plans -----------------------------------------------------------------------------------

class _TermsView(_EditView):
    """A plan's terms form, whose "try" button shows what the terms would pay (nothing is saved)."""

    template_name = "agency/setup/plan_form.html"

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") != "try":
            return super().post(request, *args, **kwargs)
        self.load(**kwargs)
        form = self.form(request.POST)
        trial = None
        if form.is_valid():
            trial = self.trial(form)
        return TemplateResponse(request, self.template_name, {"form": form, "trial": trial, **self.context()})

    def trial(self, form) -> dict | None:
        terms = form.service_terms()
        version = services.plan_version_build(plan=None, **terms)
        errors = services.version_errors(version)
        if errors:
            errors_onto(form, ValidationError(errors), fields=SERVICE_FIELD)
            return None
        amount = form.cleaned_data.get("try_amount")
        if amount is None:
            form.add_error("try_amount", _("Enter an amount to try the terms on."))
            return None
        return {"amount_fen": amount, "commission": selectors.terms_preview(version=version, amount_fen=amount)}


class PlanCreateView(_TermsView):
    permission = "agency.add_commissionplan"
    success_message = gettext_lazy("Commission plan “%(name)s” added.")

    def form(self, data=None):
        return PlanCreateForm(data)

    def save(self, form):
        terms = form.service_terms()
        return services.commission_plan_create(actor=self.request.user, code=form.cleaned_data["code"],
                                               name=form.cleaned_data["name"], versions=[terms])

    def success_url(self, row):
        return reverse("agency:setup-plan-detail", args=[row.pk])


class PlanVersionCreateView(_TermsView):
    """New terms for a plan from a date; the form starts from the terms in force."""

    permission = "agency.add_commissionplanversion"
    success_message = gettext_lazy("New terms saved: %(name)s.")

    def load(self, **kwargs):
        self.plan = selectors.access_plan_by_id(plan_id=kwargs["pk"])

    def form(self, data=None):
        rows = selectors.version_rows(self.plan, today=timezone.localdate())
        basis = next((row.version for row in rows if row.state == "in_force"), rows[0].version if rows else None)
        return PlanTermsForm(data, terms_from=basis)

    def context(self):
        return {"plan": self.plan}

    def save(self, form):
        return services.commission_plan_version_add(actor=self.request.user, plan=self.plan, **form.service_terms())

    def success_url(self, row):
        return reverse("agency:setup-plan-detail", args=[self.plan.pk])


class PlanDetailView(SetupReadMixin, View):
    """A plan's versions (scheduled, in force, ended), the products on it, and the preview calculator:
    an amount and a day give the commission, each party's share and the tax, as the till computes them."""

    def get(self, request, pk):
        plan = selectors.access_plan_by_id(plan_id=pk)
        form = CommissionPreviewForm(request.GET or None)
        preview = None
        if form.is_bound and form.is_valid():
            on = form.cleaned_data["on"] or timezone.localdate()
            preview = selectors.commission_preview(plan=plan, amount_fen=form.cleaned_data["amount"], on=on)
        return TemplateResponse(request, "agency/setup/plan_detail.html", {
            "plan": plan, "rows": selectors.version_rows(plan, today=timezone.localdate()), "form": form,
            "preview": preview, "products": plan.products.select_related("provider").order_by("name"),
            "history": audit_events_for(plan)[:20], "can_edit": self.can_edit("agency.add_commissionplanversion")})


class PlanVersionWithdrawView(SetupEditMixin, View):
    permission = "agency.add_commissionplanversion"

    def post(self, request, pk, version_id):
        version = selectors.access_plan_version_by_id(plan_id=pk, version_id=version_id)
        try:
            services.commission_plan_version_withdraw(actor=request.user, version=version)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The terms from %(date)s were withdrawn.")
                             % {"date": version.effective_from.isoformat()})
        return HttpResponseRedirect(reverse("agency:setup-plan-detail", args=[pk]))


# --- imports and exports ---------------------------------------------------------------------------------

class SetupImportView(SetupEditMixin, ImportPageMixin, View):
    """Upload a file: it is checked in the background and this page (?job=<id>) shows what it would do;
    "apply" then imports it (checked again), and the page shows what was done."""

    template_name = "agency/setup/import.html"

    def dispatch(self, request, *args, **kwargs):
        self.sheet = _sheet(kwargs["kind"])
        self.permission = self.sheet.permission
        return super().dispatch(request, *args, **kwargs)

    def import_kind(self) -> str:
        return self.sheet.kind

    def job_status_url(self, job) -> str:
        return reverse("agency:setup-import-job", args=[self.sheet.key, job.pk])

    def render(self, form, apply_error: str = ""):
        context = {"form": form, "sheet": self.sheet, "columns": self.sheet.columns, "apply_error": apply_error,
                   "sheets": SHEETS.values(), "title": _("Import %(what)s") % {"what": self.sheet.title},
                   "done_url": reverse("agency:setup-home"), "done_label": _("Back to the till set-up"),
                   **self.job_context()}
        if "job" in context:
            job = context["job"]
            context.update(applicable=bool(context["is_preview"] and job.file), apply_form=SetupApplyForm(
                initial={"check_job": job.pk, "idempotency_key": uuid.uuid4()}))
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request, kind):
        return self.render(SetupImportForm())

    def post(self, request, kind):
        if "check_job" in request.POST:
            return self.apply(request)
        form = SetupImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        job = setup_import.setup_import_check_submit(user=request.user, sheet=self.sheet,
                                                     upload=form.cleaned_data["file"],
                                                     idempotency_key=form.cleaned_data["idempotency_key"])
        return self.to_job(job)

    def apply(self, request):
        form = SetupApplyForm(request.POST)
        if not form.is_valid():
            raise Http404(_("No such import."))
        try:
            job = setup_import.setup_import_apply_submit(user=request.user, sheet=self.sheet,
                                                         check_job_id=form.cleaned_data["check_job"],
                                                         idempotency_key=form.cleaned_data["idempotency_key"])
        except ValidationError as error:
            return self.render(SetupImportForm(), apply_error=" ".join(error.messages))
        return self.to_job(job)



class SetupImportJobStatusView(SetupEditMixin, ImportJobStatusView):
    """A set-up import's progress (JSON), for the county admin who started it."""

    def get(self, request, kind, pk):
        self.kind = _sheet(kind).kind
        return super().get(request, pk)


class SetupExportView(SetupReadMixin, View):
    """Providers, products or plan versions as CSV or XLSX, in the import's format."""

    def get(self, request, kind, fmt):
        sheet = _sheet(kind)
        if fmt not in FORMATS:
            raise Http404(_("Unknown export format."))
        table = setup_import.setup_export(sheet=sheet, rows=selectors.setup_export_rows(kind=kind))
        return spreadsheet_response(table, fmt=fmt, filename=f"till-{kind}-{timezone.localdate():%Y%m%d}")
