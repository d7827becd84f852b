"""The service catalogue in the county back office (/county/catalogue/).

County admins of the county (and superusers) create, edit, import and export items; township
admins and department officers look (officers at their own department's items only); everyone
else gets 403. Views parse input, check access, call one service or selector, and render.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, View
from django.views.generic.edit import FormView

from core.audit import audit_events_for
from core.http import int_or_none
from core.import_views import ImportPageMixin
from core.money import yuan_plain
from core.spreadsheets import spreadsheet_response
from core.views import ImportJobStatusView
from gov_services.catalogue import eforms, selectors, services, spreadsheets
from gov_services.catalogue import imports as import_services
from gov_services.catalogue.forms import (
    CatalogueImportForm,
    ItemStepsForm,
    MaterialFormSet,
    ServiceItemForm,
    material_initial,
    plan_from,
    step_row_forms,
)
from gov_services.catalogue.models import ServiceItem, StepKind
from stations.mixins import WorkspaceMixin


class CatalogueAccessMixin(WorkspaceMixin):
    """The catalogue screens are for county/township staff and department officers only."""

    refusal = gettext_lazy("The service catalogue is for county, township and department staff.")

    def has_workspace(self, user) -> bool:
        return selectors.can_view_catalogue(user=user)


class CatalogueImportAccessMixin(CatalogueAccessMixin):
    """Importing, and an import's progress: county admins who may add items to a county of theirs."""

    refusal = gettext_lazy("You may not import into the service catalogue.")

    def has_workspace(self, user) -> bool:
        return selectors.can_import_catalogue(user=user)


def _filters(params) -> dict:
    category = params.get("category") or None
    return {
        "query": (params.get("q") or "").strip()[:50],
        "department_id": int_or_none(params.get("department")),
        "category": category if category in ServiceItem.Category.values else None,
        "online_only": params.get("online") == "1",
    }


class ServiceItemListView(CatalogueAccessMixin, ListView):
    template_name = "gov_services/catalogue_list.html"
    context_object_name = "items"
    paginate_by = 30

    def get_queryset(self):
        return selectors.service_item_list_for_admin(user=self.request.user, **_filters(self.request.GET))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for item in context["items"]:
            item.fee_yuan = yuan_plain(item.fee_fen)
        user = self.request.user
        return {
            **context,
            "departments": selectors.catalogue_department_list(user=user),
            "categories": ServiceItem.Category.choices,
            "can_edit": selectors.can_edit_catalogue(user=user),
            "can_add": selectors.can_edit_catalogue(user=user, permission="gov_services.add_serviceitem"),
            "filtered": any(_filters(self.request.GET).values()),
        }


class ServiceItemDetailView(CatalogueAccessMixin, DetailView):
    template_name = "gov_services/catalogue_detail.html"
    context_object_name = "item"

    def get_object(self, queryset=None):
        return selectors.access_service_item_by_id(user=self.request.user, item_id=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        item = self.object
        can_edit = selectors.can_edit_service_item(user=self.request.user, item=item)
        preview = eforms.build_form(item.form_schema, prefix="preview") if item.form_schema else None
        return super().get_context_data(
            materials=item.materials.all(),
            steps=[{"kind": StepKind(p.kind).label, "limit_days": p.limit_days, "role": p.role,
                    "separate_from": "、".join(str(StepKind(k).label) for k in p.separate_from)}
                   for p in selectors.item_plan(item)],
            sub_items=item.sub_items.order_by("code"),
            fee_yuan=yuan_plain(item.fee_fen),
            preview_form=preview,
            schema_rows=[(f, eforms.field_label(f), eforms.describe_field(f)) for f in item.form_schema or []],
            can_edit=can_edit,
            history=audit_events_for(item)[:20],
            **kwargs,
        )


class _ServiceItemEditMixin(CatalogueAccessMixin):
    """Shared by create and edit: the item form, the materials formset, errors put back beside fields."""

    template_name = "gov_services/catalogue_form.html"
    item: ServiceItem | None = None

    def forms(self, data=None):
        departments = selectors.editable_department_list(user=self.request.user)
        form = ServiceItemForm(data, instance=self.item or ServiceItem(), departments=departments)
        formset = MaterialFormSet(data, prefix="materials", initial=None if data else material_initial(self.item))
        return form, formset

    def render_forms(self, form, formset, material_errors=()):
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "formset": formset, "item": self.item, "material_errors": list(material_errors),
            "view": self,
        })

    def get(self, request, *args, **kwargs):
        return self.render_forms(*self.forms())

    def post(self, request, *args, **kwargs):
        form, formset = self.forms(request.POST)
        if not (form.is_valid() & formset.is_valid()):
            return self.render_forms(form, formset)
        try:
            item = self.save(form.service_fields(), formset.materials())
        except ValidationError as error:
            material_errors = []
            for field, errors in error.message_dict.items():
                if field == "materials":
                    material_errors += errors
                elif field in form.fields:
                    for message in errors:
                        form.add_error(field, message)
                else:
                    for message in errors:
                        form.add_error(None, message)
            return self.render_forms(form, formset, material_errors)
        messages.success(request, self.success_message % {"name": item.name})
        return HttpResponseRedirect(reverse("gov_services:service-item-detail", args=[item.pk]))


class ServiceItemCreateView(_ServiceItemEditMixin, View):
    success_message = gettext_lazy("Service item “%(name)s” created.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.can_edit_catalogue(
                user=request.user, permission="gov_services.add_serviceitem"):
            raise PermissionDenied(_("You may not add service items."))
        return super().dispatch(request, *args, **kwargs)

    def save(self, fields, materials):
        return services.service_item_create(actor=self.request.user, materials=materials, **fields)


class ServiceItemUpdateView(_ServiceItemEditMixin, View):
    success_message = gettext_lazy("Service item “%(name)s” saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.item = selectors.access_service_item_for_edit(user=request.user, item_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def save(self, fields, materials):
        return services.service_item_update(item=self.item, actor=self.request.user, materials=materials, **fields)


class ServiceItemStepsView(CatalogueAccessMixin, View):
    """/county/catalogue/<pk>/steps/: the item's approval steps, their limits, roles and separation of
    duties (county admins who may edit the item; anyone else who may see the catalogue gets 403)."""

    template_name = "gov_services/catalogue_steps.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.item = selectors.access_service_item_for_edit(user=request.user, item_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, rows, form, errors=()):
        return TemplateResponse(self.request, self.template_name, {
            "item": self.item, "rows": rows, "form": form, "step_errors": list(errors)})

    def get(self, request, pk):
        form = ItemStepsForm(initial={"overall_limit_fixed": self.item.overall_limit_fixed,
                                      "promised_limit_days": self.item.promised_limit_days})
        return self.render(step_row_forms(self.item), form)

    def post(self, request, pk):
        rows, form = step_row_forms(self.item, request.POST), ItemStepsForm(request.POST)
        if not (all([row.is_valid() for row in rows]) & form.is_valid()):
            return self.render(rows, form)
        try:
            services.service_item_steps_set(
                item=self.item, actor=request.user, steps=plan_from(rows),
                overall_limit_fixed=form.cleaned_data["overall_limit_fixed"],
                promised_limit_days=form.cleaned_data["promised_limit_days"])
        except ValidationError as error:
            step_errors = error.message_dict.pop("steps", [])
            for field, messages_ in error.message_dict.items():
                for message in messages_:
                    form.add_error(field if field in form.fields else None, message)
            return self.render(rows, form, step_errors)
        messages.success(request, _("Steps of “%(name)s” saved.") % {"name": self.item.name})
        return HttpResponseRedirect(reverse("gov_services:service-item-detail", args=[self.item.pk]))


class CatalogueImportView(CatalogueImportAccessMixin, ImportPageMixin, FormView):
    """Upload a CSV/XLSX catalogue: it is imported in the background, and this page (?job=<id>)
    shows the progress, then every bad row or what was created and updated."""

    template_name = "gov_services/catalogue_import.html"
    form_class = CatalogueImportForm
    kind = import_services.CATALOGUE_IMPORT

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "counties": selectors.import_county_list(user=self.request.user)}

    def job_status_url(self, job) -> str:
        return reverse("gov_services:catalogue-import-job", args=[job.pk])

    def get_context_data(self, **kwargs):
        catalogue = reverse("gov_services:service-item-list")
        return super().get_context_data(
            columns=spreadsheets.COLUMNS, title=_("Import the catalogue"), done_url=catalogue,
            done_label=_("Back to the catalogue"), **self.job_context(), **kwargs)

    def form_valid(self, form):
        return self.to_job(import_services.catalogue_import_submit(
            user=self.request.user, county=form.cleaned_data["county"], upload=form.cleaned_data["file"],
            idempotency_key=form.cleaned_data["idempotency_key"]))


class CatalogueImportJobView(CatalogueImportAccessMixin, ImportJobStatusView):
    """An import's progress as JSON (core's view): 403 for anyone who may not import, then the user's
    own job or a 404."""

    kind = import_services.CATALOGUE_IMPORT


class CatalogueExportView(CatalogueAccessMixin, View):
    """The items in view (with the list's filters) as CSV or XLSX, in the import's format."""

    def get(self, request, fmt):
        if fmt not in spreadsheets.EXPORT_FORMATS:
            raise Http404(_("Unknown export format."))
        items = selectors.service_items_for_export(
            items=selectors.service_item_list_for_admin(user=request.user, **_filters(request.GET)))
        return spreadsheet_response(spreadsheets.catalogue_export(items=items, fmt=fmt), fmt=fmt,
                                    filename=f"service-catalogue-{timezone.localdate():%Y%m%d}")
