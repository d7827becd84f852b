"""Officials' signing keys and personal seals (/certificates/officials/…): the department head for
their department, a county admin for the departments of their county. Issue a key on the server,
import one, revoke one, upload a personal seal. Private keys are never shown."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.http import user_file_response
from gov_services.certificates import selectors, services
from gov_services.certificates.forms import (
    OfficialKeyImportForm,
    OfficialKeyIssueForm,
    OfficialKeyRevokeForm,
    SealUploadForm,
)


def _back(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("gov_services:official-keys", args=[pk]))


def _name(user) -> str:
    return selectors.official_display_name(user)


class OfficialKeysDepartmentListView(LoginRequiredMixin, View):
    """The departments whose officials' keys the user manages."""

    template_name = "gov_services/certificates/official_key_departments.html"

    def get(self, request):
        departments = selectors.official_key_department_list(user=request.user)
        if len(departments) == 1:
            return _back(departments[0].pk)
        return TemplateResponse(request, self.template_name, {"departments": departments})


class OfficialKeysView(LoginRequiredMixin, View):
    """A department's officials, each with their key (issue, import, revoke) and personal seal."""

    template_name = "gov_services/certificates/official_keys.html"

    def get(self, request, pk):
        department = selectors.access_department_for_official_keys(user=request.user, department_id=pk)
        officials = selectors.department_officials(department=department)
        return TemplateResponse(request, self.template_name, {
            "department": department, "officials": officials, "seal_form": SealUploadForm(),
            "revoke_form": OfficialKeyRevokeForm(),
            "history": selectors.official_key_history(department=department),
        })


class OfficialKeyIssueView(LoginRequiredMixin, View):
    def post(self, request, pk, user_id):
        department = selectors.access_department_for_official_keys(user=request.user, department_id=pk)
        official = selectors.access_department_official(department=department, official_id=user_id)
        form = OfficialKeyIssueForm(request.POST)
        replacing = form.cleaned_data["current"] if form.is_valid() else None
        try:
            key = services.official_key_issue(department=department, official=official, actor=request.user,
                                              replacing=replacing)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _back(pk)
        messages.success(request, _("%(name)s now signs with the key %(key)s. Their earlier certificates keep "
                                    "verifying.") % {"name": _name(official), "key": key.key_id})
        return _back(pk)


class OfficialKeyImportView(LoginRequiredMixin, View):
    template_name = "gov_services/certificates/official_key_import.html"

    def _render(self, request, department, official, form, status=200):
        return TemplateResponse(request, self.template_name, {"department": department, "official": official,
                                                              "form": form}, status=status)

    def get(self, request, pk, user_id):
        department = selectors.access_department_for_official_keys(user=request.user, department_id=pk)
        official = selectors.access_department_official(department=department, official_id=user_id)
        return self._render(request, department, official, OfficialKeyImportForm())

    def post(self, request, pk, user_id):
        department = selectors.access_department_for_official_keys(user=request.user, department_id=pk)
        official = selectors.access_department_official(department=department, official_id=user_id)
        form = OfficialKeyImportForm(request.POST)
        if not form.is_valid():
            return self._render(request, department, official, form, status=400)
        try:
            key = services.official_key_import(department=department, official=official, actor=request.user,
                                               private_key_pem=form.cleaned_data["private_key_pem"],
                                               passphrase=form.cleaned_data["passphrase"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self._render(request, department, official, form, status=400)
        messages.success(request, _("%(name)s now signs with the imported key %(key)s.")
                         % {"name": _name(official), "key": key.key_id})
        return _back(pk)


class OfficialKeyRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk, key_pk):
        department = selectors.access_department_for_official_keys(user=request.user, department_id=pk)
        key = selectors.access_official_key(user=request.user, department=department, key_id=key_pk)
        form = OfficialKeyRevokeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say why the key is revoked."))
            return _back(pk)
        try:
            services.official_key_revoke(key=key, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _back(pk)
        messages.success(request, _("The key %(key)s is revoked: it signs nothing more. Other keys are not "
                                    "affected.") % {"key": key.key_id})
        return _back(pk)


class OfficialSealView(LoginRequiredMixin, View):
    """GET: the personal seal's image (for those who manage it); POST: upload or replace it."""

    def get(self, request, pk, user_id):
        department = selectors.access_department_for_official_keys(user=request.user, department_id=pk)
        seal = selectors.access_official_seal(department=department, official_id=user_id)
        return user_file_response(seal.image, filename=f"seal-{department.pk}-{user_id}", preview=True)

    def post(self, request, pk, user_id):
        department = selectors.access_department_for_official_keys(user=request.user, department_id=pk)
        official = selectors.access_department_official(department=department, official_id=user_id)
        form = SealUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose a seal image to upload."))
            return _back(pk)
        try:
            services.official_seal_upload(department=department, official=official,
                                          content=form.cleaned_data["image"].read(), actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _back(pk)
        messages.success(request, _("The personal seal of %(name)s is saved.") % {"name": _name(official)})
        return _back(pk)

