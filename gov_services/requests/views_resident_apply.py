"""The resident's own online application (/services/<code>/apply/) and their unfinished drafts.

Signed-in residents only. Every write is protected against a double click or a resend: the form's
idempotency key names the draft that keeps what was typed and the chosen photos, and a resend returns
the first request; the result is shown on a page that can be reloaded safely (post/redirect/get).
"""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from core.money import yuan_plain
from core.timeutil import local_date
from gov_services.catalogue import eforms
from gov_services.catalogue.selectors import parent_item_refusal, places_offering
from gov_services.catalogue.views_resident import _item_or_404
from gov_services.identifiers import format_tracking_code
from gov_services.models import ServiceRequest
from gov_services.requests.forms_resident import OnlineApplicationForm, material_field_name
from gov_services.requests.selectors.drafts import access_resident_draft_by_id, open_resident_draft
from gov_services.requests.selectors.requests import resident_request_list
from gov_services.requests.services import service_request_submit
from gov_services.requests.services.drafts import (
    application_draft_discard,
    application_draft_filed,
    application_draft_open,
    application_draft_save,
    draft_uploads,
)
from gov_services.requests.views_drafts import (
    EFORM_PREFIX,
    ONLINE_APPLICANT_FIELDS,
    scan_thumbnail_url,
    typed_fields,
)
from gov_services.requests.views_resident_common import _errors_to_forms, error_summary


class ServiceRequestApplyView(LoginRequiredMixin, View):
    """/services/<code>/apply/: the resident's own online application."""

    template_name = "gov_services/resident_apply.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.item = _item_or_404(kwargs["code"])
        if request.method == "GET" and (refusal := parent_item_refusal(item=self.item)):
            messages.info(request, refusal)  # the guide lists the sub-items to apply for
            return redirect("gov_services:resident-service-item-detail", code=self.item.code)
        if not self.item.online_allowed:
            messages.info(request, _("%(item)s cannot be applied for online. Please apply at your village "
                                     "station; the operator will help you.") % {"item": self.item.name})
            return redirect("gov_services:resident-service-item-detail", code=self.item.code)
        if not places_offering(item=self.item).exists():
            messages.info(request, _("%(item)s is accepted only at the office of %(department)s, not from a "
                                     "village.") % {"item": self.item.name, "department": self.item.department.name})
            return redirect("gov_services:resident-service-item-detail", code=self.item.code)
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, eform, draft=None, *, restored=False):
        kept = list(draft.scans.all()) if draft is not None else []
        for scan in kept:
            scan.thumbnail_url = scan_thumbnail_url(scan)
        return TemplateResponse(self.request, self.template_name, {
            "item": self.item, "form": form, "eform": eform, "fee_yuan": yuan_plain(self.item.fee_fen),
            "material_rows": [{"field": field, "kept": [s for s in kept if s.material_id == material.pk]}
                              for field, material in zip(form.material_fields(), form.materials, strict=True)],
            "errors": error_summary(form, eform), "draft": draft, "draft_restored": restored,
        })

    def get(self, request, code):
        user = request.user
        draft = open_resident_draft(user=user, item=self.item)
        typed = draft.fields if draft is not None else {}
        last = resident_request_list(user=user).values("village_id").first()
        form = OnlineApplicationForm(item=self.item, initial={
            "idempotency_key": draft.key if draft is not None else OnlineApplicationForm.new_key(),
            "applicant_name": user.full_name,
            "applicant_phone": user.phone or (user.username if user.username.isdigit() else ""),
            "village": last["village_id"] if last else None,
        } | {name: typed[name] for name in ONLINE_APPLICANT_FIELDS if typed.get(name)})
        phone = form.initial["applicant_phone"]
        eform = eforms.build_form(self.item.form_schema, initial={  # the account's number in "contact phone" fields
            field["name"]: phone for field in self.item.form_schema if field.get("type") == eforms.PHONE and phone
        } | {name.removeprefix(f"{EFORM_PREFIX}-"): value for name, value in typed.items()
             if name.startswith(f"{EFORM_PREFIX}-") and value}) if self.item.form_schema else None
        return self.render(form, eform, draft, restored=draft is not None)

    def _keep(self, request, form, eform):
        """Keep what was typed and the chosen photos in the resident's draft (named by the form's key); the
        photos refused by the upload checks are reported beside their input. None when the key is not sound."""
        try:
            key = uuid.UUID(request.POST.get("idempotency_key", ""))
        except ValueError:
            return None
        try:
            draft = application_draft_open(actor=request.user, station=None, item=self.item, key=key)
        except PermissionDenied:
            return None
        uploads = []
        for material in form.materials:
            for upload in request.FILES.getlist(material_field_name(material)):
                upload.material_id = material.pk
                uploads.append(upload)
        remove = [int(pk) for pk in request.POST.getlist("draft-remove") if pk.isdigit()]
        refused = application_draft_save(draft=draft, actor=request.user, uploads=uploads, remove=remove,
                                         fields=typed_fields(request.POST, eform, names=ONLINE_APPLICANT_FIELDS))
        for key_name, problems in refused.items():
            field = form.field_of_material(key_name.partition(".")[2])
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return draft

    def post(self, request, code):
        form = OnlineApplicationForm(request.POST, request.FILES, item=self.item)
        eform = eforms.build_form(self.item.form_schema, data=request.POST) if self.item.form_schema else None
        form_ok = form.is_valid()
        eform_ok = eform is None or eform.is_valid()
        draft = self._keep(request, form, eform)
        if draft is None and not form.errors:
            form.add_error(None, _("This page was out of date. Please check the form and send it again."))
        if draft is not None and "save_draft" in request.POST and not form.errors.get("__all__"):
            messages.success(request, _("Your application is saved as a draft until %(date)s. Finish it from "
                                        "“My requests”.") % {"date": local_date(draft.expires_at).isoformat()})
            return redirect("gov_services:resident-service-request-list")
        if not (form_ok and eform_ok) or form.errors:
            if "idempotency_key" in form.errors or draft is None:  # a tampered or truncated page: a fresh key
                form.data = form.data.copy()
                form.data["idempotency_key"] = str(OnlineApplicationForm.new_key())
            return self.render(form, eform, draft)
        data = form.cleaned_data
        try:
            service_request = service_request_submit(
                actor=request.user, idempotency_key=data["idempotency_key"], kind=ServiceRequest.Kind.APPLICATION,
                item=self.item, applicant_name=data["applicant_name"],
                applicant_id_number=data["applicant_id_number"], applicant_phone=data["applicant_phone"],
                applicant_user=request.user, consent=ServiceRequest.Consent.SELF, channel=ServiceRequest.Channel.WEB,
                village=form.village_region(),
                form_data=eforms.to_json_data(self.item.form_schema, eform.cleaned_data) if eform else {},
                attachments=draft_uploads(draft))
        except PermissionDenied as error:
            form.add_error(None, str(error))
            return self.render(form, eform, draft)
        except ValidationError as error:
            _errors_to_forms(error, form, eform)
            return self.render(form, eform, draft)
        application_draft_filed(draft=draft, request=service_request, actor=request.user)
        messages.success(request, _("Your application has been sent. Your tracking code is %(code)s.")
                         % {"code": format_tracking_code(service_request.tracking_code)})
        return redirect("gov_services:resident-service-request-detail", pk=service_request.pk)


class ResidentDraftDiscardView(LoginRequiredMixin, View):
    """POST /me/drafts/<pk>/discard/: the resident throws an unfinished online application away."""

    def post(self, request, pk):
        draft = access_resident_draft_by_id(user=request.user, draft_id=pk)
        application_draft_discard(draft=draft, actor=request.user)
        messages.success(request, _("The draft of %(item)s was deleted, with its photos.") % {"item": draft.item.name})
        return redirect("gov_services:resident-service-request-list")
