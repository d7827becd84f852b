"""Certificate set-up by the county's staff (/county/certificates/…): a layout per catalogue item that ends
in a certificate, with an HTML preview; each department's seal and signing keys.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.audit import audit_events_for
from core.http import user_file_response
from core.masking import mask_id_number
from core.service_errors import errors_onto
from gov_services.certificates import layout, selectors, services
from gov_services.certificates.forms import CertificateTypeForm, SealUploadForm
from gov_services.models import CertificateType, SigningKey

SAMPLE_HOLDER = ("张三", "130225198001010011")


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
