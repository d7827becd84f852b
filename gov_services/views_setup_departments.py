"""Setting up departments and their staff: county departments, township service centres and
city-level (市直) departments; their officers and heads; staff accounts; imports of both.

County admins (and superusers) only: everyone else gets 403, a department or account outside the admin's
county is a 404 (stations/scope via gov_services/selectors/departments.py). Views parse, call one
service, render; a refused form is shown again with what was typed and the reasons (422).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.services import staff_password_issue
from core.audit import audit_events_for
from core.forms import ImportUploadForm
from core.http import int_or_none
from core.import_views import PreviewImportView
from core.service_errors import errors_onto
from core.views import ServiceFormView
from gov_services import setup_import, setup_import_rows
from gov_services.forms_setup_departments import (
    DepartmentActiveForm,
    DepartmentForm,
    DepartmentMemberForm,
    DepartmentMemberRoleForm,
)
from gov_services.selectors import departments as selectors
from gov_services.services import departments as services
from gov_services.setup_import_departments import DEPARTMENT_COLUMNS
from gov_services.setup_import_staff import STAFF_COLUMNS
from stations.scope import can_set_up_departments


class SetupMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_set_up_departments(request.user):
            raise PermissionDenied(_("Departments and their staff are set up by county admins."))
        return super().dispatch(request, *args, **kwargs)


class DepartmentListView(SetupMixin, View):
    def get(self, request):
        departments = list(selectors.setup_department_list(user=request.user))
        counts = selectors.member_counts(departments=departments)
        for department in departments:
            department.member_count = counts.get(department.pk, 0)
        return TemplateResponse(request, "gov_services/setup/department_list.html", {"departments": departments})


class _DepartmentFormView(SetupMixin, ServiceFormView):
    department = None

    def form(self, data=None):
        return DepartmentForm(data, regions=selectors.setup_region_choices(user=self.request.user),
                              department=self.department)

    def render_form(self, form, status=200):
        return TemplateResponse(self.request, "gov_services/setup/department_form.html",
                                {"form": form, "department": self.department}, status=status)

    def after_save(self, department) -> str:
        return reverse("gov_services:setup-department-detail", args=[department.pk])


class DepartmentCreateView(_DepartmentFormView):
    def save(self, data):
        department = services.department_create(actor=self.request.user, **data)
        messages.success(self.request, _("Department %(code)s created.") % {"code": department.code})
        return department


class DepartmentUpdateView(_DepartmentFormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.department = selectors.access_setup_department_by_id(user=request.user, department_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def save(self, data):
        changes = services.department_update(department=self.department, actor=self.request.user, **data)
        messages.success(self.request, _("Department saved.") if changes else _("Nothing was changed."))
        return self.department


class _DepartmentPageMixin(SetupMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.department = selectors.access_setup_department_by_id(user=request.user, department_id=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def member_form(self, data=None):
        return DepartmentMemberForm(data, accounts=selectors.staff_account_list(user=self.request.user))

    def render_page(self, member_form=None, status=200):
        department = self.department
        return TemplateResponse(self.request, "gov_services/setup/department_detail.html", {
            "department": department,
            "members": selectors.department_members(department=department),
            "member_form": member_form or self.member_form(),
            "history": audit_events_for(department)[:20],
        }, status=status)

    def back(self):
        return HttpResponseRedirect(reverse("gov_services:setup-department-detail", args=[self.department.pk]))


class DepartmentDetailView(_DepartmentPageMixin, View):
    def get(self, request, pk):
        return self.render_page()


class DepartmentActiveView(_DepartmentPageMixin, View):
    """Deactivate a department (its members' posts end) or bring it back."""

    def post(self, request, pk):
        form = DepartmentActiveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose whether the department is active."))
            return self.back()
        try:
            services.department_active_set(department=self.department, actor=request.user,
                                           active=form.cleaned_data["active"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Department activated.") if form.cleaned_data["active"]
                             else _("Department deactivated; its members no longer have its queue."))
        return self.back()


class DepartmentMemberAddView(_DepartmentPageMixin, View):
    """An officer or head: an existing account chosen explicitly, or a new account (shown its password once)."""

    def post(self, request, pk):
        form = self.member_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                membership = services.department_member_add(
                    department=self.department, actor=request.user, user=data["account"],
                    full_name=data["full_name"], phone=data["phone"], is_head=data["is_head"])
            except ValidationError as error:
                errors_onto(form, error)
            else:
                # Rendered, not redirected: the one-time password must not travel in a message cookie.
                return TemplateResponse(request, "gov_services/setup/member_added.html", {
                    "department": self.department, "account": membership.user,
                    "initial_password": membership.initial_password})
        return self.render_page(member_form=form, status=422)


class DepartmentMemberEndView(_DepartmentPageMixin, View):
    """The officer leaves: from now on (their next request) they no longer have the department's queue."""

    def post(self, request, pk):
        membership = selectors.setup_member_by_id(department=self.department,
                                                  membership_id=int_or_none(request.POST.get("membership")))
        try:
            services.department_member_end(membership=membership, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(user)s is no longer a member of this department.")
                             % {"user": membership.user})
        return self.back()


class DepartmentMemberRoleView(_DepartmentPageMixin, View):
    """An officer becomes the head, or the head an officer, in place (the membership ends today and a new one
    starts today). From the department's page or the staff list (`back=staff`), to which it returns."""

    def post(self, request, pk):
        form = DepartmentMemberRoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose officer or head."))
            return self.back_to(request)
        membership = selectors.setup_membership_by_id(department=self.department,
                                                      membership_id=form.cleaned_data["membership"])
        is_head = form.cleaned_data["role"] == "head"
        try:
            services.department_member_role_change(membership=membership, is_head=is_head, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, (_("%(user)s is now head of %(department)s.") if is_head
                                       else _("%(user)s is now an officer of %(department)s."))
                             % {"user": membership.user, "department": self.department.name})
        return self.back_to(request)

    def back_to(self, request):
        if request.POST.get("back") == "staff":
            return HttpResponseRedirect(reverse("gov_services:setup-staff-list"))
        return self.back()


class StaffListView(SetupMixin, View):
    """Everyone who works at the admin's stations and departments, with their posts; a department post of a
    department the admin sets up changes between officer and head here."""

    def get(self, request):
        accounts = list(selectors.staff_account_list(user=request.user)[:1000])
        posts = selectors.staff_posts(accounts=accounts)
        return TemplateResponse(request, "gov_services/setup/staff_list.html", {
            "people": [(account, posts.get(account.pk, [])) for account in accounts],
            "departments_set_up": set(selectors.setup_department_list(user=request.user).values_list("pk", flat=True)),
        })


class StaffPasswordView(SetupMixin, View):
    """A new one-time password for a staff account (an imported one has none yet): shown once."""

    def post(self, request):
        account = selectors.access_staff_account_by_id(user=request.user,
                                                       account_id=int_or_none(request.POST.get("account")))
        password = staff_password_issue(user=account, actor=request.user)
        return TemplateResponse(request, "gov_services/setup/member_added.html",
                                {"account": account, "initial_password": password})


class _SetupImportForm(ImportUploadForm):
    caps = setup_import_rows.CAPS


class _SetupImportView(SetupMixin, PreviewImportView):
    form_class = _SetupImportForm

    def allowed(self, user) -> bool:
        return can_set_up_departments(user)

    def preview(self, *, user, upload, idempotency_key):
        return setup_import.setup_import_preview(kind=self.kind, user=user, upload=upload,
                                                 idempotency_key=idempotency_key)

    def apply(self, *, user, preview_id, idempotency_key):
        return setup_import.setup_import_apply(kind=self.kind, user=user, preview_id=preview_id,
                                               idempotency_key=idempotency_key)


class DepartmentImportView(_SetupImportView):
    kind = setup_import.DEPARTMENT_IMPORT
    columns = DEPARTMENT_COLUMNS
    title = gettext_lazy("Import departments")
    format_help = gettext_lazy(
        "层级: 市直, 县级 or 乡镇. 所属区划: the division code of the city, county or township the department "
        "serves, of that level. 调度中心: 是 or 否. Rows are matched by department code. "
        "Example: demo/data/departments.csv.")

    def page_context(self) -> dict:
        url = reverse("gov_services:setup-department-list")
        return {"back_url": url, "back_label": _("Departments"), "done_url": url,
                "done_label": _("Back to the departments")}


class StaffImportView(_SetupImportView):
    kind = setup_import.STAFF_IMPORT
    columns = STAFF_COLUMNS
    title = gettext_lazy("Import staff")
    format_help = gettext_lazy(
        "角色: 代办员 or 联络员 (with 服务站编码), 科员 or 部门负责人 (with 部门编码), 乡镇管理员 (with the township's "
        "division code in 所属区划) or 县级管理员 (所属区划: the county's code, or empty for your own county). A "
        "number that has no account makes a new account, whose password you issue on the staff page. A number "
        "that already has an account is refused unless the row names that account in 已有账号: one person holds "
        "several posts only when you say so. Example: demo/data/staff.csv.")

    def page_context(self) -> dict:
        url = reverse("gov_services:setup-staff-list")
        return {"back_url": url, "back_label": _("Staff"), "done_url": url, "done_label": _("Back to the staff")}
