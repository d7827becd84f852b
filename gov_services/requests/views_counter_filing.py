"""Filing at the counter (/counter/requests/new/, /counter/appeals/new/): find the service item, fill in
the application (scans, e-form, consent, signature) or take down an appeal, and text the consent code.

Idempotency: the application and appeal forms carry a key made when the form is first shown
(uuid4). It survives a page shown again with errors, so a resend after a network drop, or a
double click, returns the first request instead of filing a second one.
"""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from accounts.lockout import LOCKED_OUT, code_guard
from accounts.phone_codes import is_wrong_code
from agency.views_till_wallet import wallet_choices
from agency.visit_links import next_url, visit_context, visit_of
from core.http import client_address, user_file_response
from core.masking import mask_mobile
from core.money import yuan_plain
from gov_services.catalogue.eforms import build_form
from gov_services.catalogue.selectors import (
    parent_item_refusal,
    service_items_available_at,
    with_sub_items,
)
from gov_services.identifiers import validate_mobile
from gov_services.models import ServiceItem, ServiceRequest
from gov_services.requests.forms_counter import (
    AppealForm,
    ApplicationForm,
    ConsentCodeSendForm,
    ItemSearchForm,
    ScanUploadForm,
)
from gov_services.requests.selectors.counter import ranked_by_station_use
from gov_services.requests.selectors.drafts import (
    access_application_draft_by_id,
    access_draft_scan_by_id,
    open_application_draft,
    recently_filed_draft_keys,
)
from gov_services.requests.services import MAX_ATTACHMENT_BYTES, consent_code_send, service_request_submit
from gov_services.requests.services.drafts import (
    FILED_DRAFT_LIFETIME,
    application_draft_discard,
    application_draft_filed,
    application_draft_open,
    application_draft_save,
    draft_uploads,
)
from gov_services.requests.views_counter_common import CounterAccessMixin, place_service_errors
from gov_services.requests.views_drafts import (
    APPLICANT_FIELDS,
    EFORM_PREFIX,
    draft_replacements,
    draft_signature_url,
    hide_bound_field_errors,
    kept_scans_onto,
    typed_fields,
    unbound_eform,
    with_bound_fields,
)
from gov_services.requests.views_visit import fee_and_visit_after_filing

ITEM_RESULTS = 50


def _raw_eform_data(eform) -> dict:
    """The e-form's values as the browser sent them; the service checks them against the item's schema."""
    return {} if eform is None else {name: eform[name].data for name in eform.fields}


# ---------------------------------------------------------------------------------------------
# 1. Filing an application: find the item, then fill it in
# ---------------------------------------------------------------------------------------------

class CounterItemSearchView(CounterAccessMixin, TemplateView):
    """Step 1: find the service by Chinese name, code or pinyin initials."""

    template_name = "gov_services/counter_item_search.html"

    def get_context_data(self, **kwargs):
        form = ItemSearchForm(self.request.GET)
        query = form.cleaned_data["q"].strip() if form.is_valid() else ""
        available = service_items_available_at(place=self.station.village)
        found = ranked_by_station_use(service_items_available_at(place=self.station.village, query=query),
                                      station_id=self.station.pk)  # what this station files most, first
        items = list(with_sub_items(found, sub_items=available, nested=not query)[:ITEM_RESULTS + 1])
        for item in items:
            item.fee_yuan = yuan_plain(item.fee_fen)
        return super().get_context_data(form=form, query=query, items=items[:ITEM_RESULTS],
                                        more=len(items) > ITEM_RESULTS, station=self.station,
                                        **visit_context(self.request), **kwargs)


class CounterApplicationCreateView(CounterAccessMixin, View):
    """Step 2: the item's checklist, scans, applicant, e-form, consent and signature; then file it.

    Nothing is lost on the way (gov_services/requests/services/drafts.py): every post keeps the scans, the
    signature and the typed fields in a draft named by the form's idempotency key, so a page that comes
    back with errors shows the scans as thumbnails (each replaceable and removable) and files them without
    re-attaching; opening the form again (a reload, a network drop) restores the operator's open draft.
    """

    template_name = "gov_services/counter_application_form.html"

    def get_item(self) -> ServiceItem:
        item = service_items_available_at(place=self.station.village).filter(pk=self.kwargs["item_id"]).first()
        if item is None:
            raise Http404(_("This service is not offered at your station."))
        return item

    def render_forms(self, item, materials, form, eform, scans, *, draft=None, restored=False):
        hide_bound_field_errors(eform)
        has_errors = bool(form.errors or scans.errors or (eform is not None and eform.errors))
        kept_scans_onto(scans, draft)
        return TemplateResponse(self.request, self.template_name, {
            "item": item, "fee_yuan": yuan_plain(item.fee_fen), "materials": materials, "form": form,
            "fee_wallets": wallet_choices(self.request.user) if item.fee_fen else [],
            "eform": eform, "scans": scans, "station": self.station, "has_errors": has_errors,
            "error_forms": [form, scans, eform], "max_mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
            "draft": draft, "draft_restored": restored, "draft_signature_url": draft_signature_url(draft),
            "filed_keys": [str(key) for key in recently_filed_draft_keys(user=self.request.user, item=item)],
            "draft_local_max_age": int(FILED_DRAFT_LIFETIME.total_seconds()),
            **visit_context(self.request),
        })

    def get(self, request, item_id):
        item = self.get_item()
        if refusal := parent_item_refusal(item=item):  # its sub-items are filed: the search lists them
            messages.info(request, refusal)
            search = reverse("gov_services:counter-request-create")
            return HttpResponseRedirect(f"{search}?{urlencode({'q': item.code})}")
        materials = list(item.materials.all())
        visit = visit_of(request)
        draft = open_application_draft(user=request.user, item=item, visit=visit)
        initial = {"idempotency_key": draft.key if draft else uuid.uuid4()}
        if visit is not None:  # the resident of the visit is the applicant
            initial.update(applicant_name=visit.resident_name, applicant_phone=visit.resident_phone,
                           applicant_id_number=visit.resident_id_number)
        eform_initial = {}
        if draft is not None:
            initial.update({name: value for name, value in draft.fields.items() if name in APPLICANT_FIELDS and value})
            eform_initial = {name[len(EFORM_PREFIX) + 1:]: value for name, value in draft.fields.items()
                             if name.startswith(EFORM_PREFIX + "-")}
        form = ApplicationForm(initial=initial)
        eform = build_form(item.form_schema, prefix=EFORM_PREFIX, initial=eform_initial) if item.form_schema else None
        return self.render_forms(item, materials, form, eform, ScanUploadForm(materials=materials), draft=draft,
                                 restored=draft is not None)

    def post(self, request, item_id):
        item = self.get_item()
        materials = list(item.materials.all())
        form = ApplicationForm(request.POST)
        eform = (build_form(item.form_schema, data=with_bound_fields(request.POST, item.form_schema),
                            prefix=EFORM_PREFIX) if item.form_schema else None)
        scans = ScanUploadForm(request.POST, request.FILES, materials=materials)
        forms_valid = form.is_valid() & scans.is_valid()
        key = form.cleaned_data.get("idempotency_key") if hasattr(form, "cleaned_data") else None
        if key is None:  # no key, no draft: the page says the form lost its key
            return self.render_forms(item, materials, form, eform, scans)
        try:
            draft = application_draft_open(actor=request.user, station=self.station, item=item, key=key,
                                           visit=visit_of(request))
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
            return self.render_forms(item, materials, form, eform, scans)
        remove = [int(value) for value in request.POST.getlist("draft_remove") if value.isdigit()]
        file_errors = application_draft_save(
            draft=draft, actor=request.user, uploads=scans.uploads() if forms_valid else (),
            replacements=draft_replacements(request.FILES), remove=remove, fields=typed_fields(request.POST, eform),
            signature=form.signature_bytes() if "signature" not in form.errors else None)
        if remove and not file_errors:  # "remove" only changes the draft: the form is shown again, unjudged
            messages.info(request, _("The scan was removed."))
            return self.render_forms(item, materials, ApplicationForm(initial=request.POST.dict()),
                                     unbound_eform(item, eform), ScanUploadForm(materials=materials), draft=draft)
        if file_errors:
            place_service_errors(ValidationError(file_errors), form=form, scans=scans, eform=eform)
        if file_errors or not forms_valid:
            return self.render_forms(item, materials, form, eform, scans, draft=draft)
        fields = form.service_fields()
        if not fields["signature"] and draft.signature:
            fields["signature"] = bytes(draft.signature)
        try:
            service_request = _submit(
                request, actor=request.user, kind=ServiceRequest.Kind.APPLICATION, item=item,
                channel=self.channel, station=self.station, form_data=_raw_eform_data(eform),
                attachments=draft_uploads(draft), **fields)
        except ValidationError as error:
            place_service_errors(error, form=form, scans=scans, eform=eform)
            return self.render_forms(item, materials, form, eform, scans, draft=draft)
        application_draft_filed(draft=draft, request=service_request, actor=request.user)
        messages.success(request, _("Application filed. Print the receipt for the resident."))
        wallet_page = fee_and_visit_after_filing(request, service_request)
        return HttpResponseRedirect(wallet_page or next_url(request, reverse("gov_services:counter-request-receipt",
                                                                             args=[service_request.pk])))


class CounterDraftScanView(CounterAccessMixin, View):
    """A scan kept in a draft of this station, shown in the browser (its thumbnail) when it is an image."""

    def get(self, request, pk):
        scan = access_draft_scan_by_id(user=request.user, scan_id=pk)
        return user_file_response(scan.file, filename=scan.original_name, preview=True)


class CounterDraftDiscardView(CounterAccessMixin, View):
    """Throw a draft of this station away (its scans, signature and typed fields), then open an empty form."""

    http_method_names = ["post"]

    def post(self, request, pk):
        draft = access_application_draft_by_id(user=request.user, draft_id=pk)
        item_id = draft.item_id
        application_draft_discard(draft=draft, actor=request.user)
        messages.info(request, _("The draft was discarded."))
        form_url = reverse("gov_services:counter-application-create", args=[item_id])
        query = urlencode({k: request.GET[k] for k in ("visit", "next") if request.GET.get(k)})
        return HttpResponseRedirect(f"{form_url}?{query}" if query else form_url)


def _submit(request, **fields) -> ServiceRequest:
    """service_request_submit; a wrong consent code counts against the resident's number and this
    counter's address (accounts.lockout), and a locked one is refused before the code is checked."""
    if fields["consent"] != ServiceRequest.Consent.SMS_CODE:
        return service_request_submit(**fields)
    try:
        phone = validate_mobile(fields["applicant_phone"])
    except ValidationError:
        return service_request_submit(**fields)  # the service says what is wrong with the number
    try:
        with code_guard(request, phone=phone, failed=is_wrong_code):
            return service_request_submit(**fields)
    except ValidationError as error:
        if getattr(error, "code", None) == LOCKED_OUT:
            raise ValidationError({"consent_code": error.messages}) from None
        raise


# ---------------------------------------------------------------------------------------------
# 2. Filing an appeal (诉求)
# ---------------------------------------------------------------------------------------------

class CounterAppealCreateView(CounterAccessMixin, View):
    """An appeal in the resident's words; the service routes it by category and village."""

    template_name = "gov_services/counter_appeal_form.html"

    def render_forms(self, form, scans):
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "scans": scans, "station": self.station, "has_errors": bool(form.errors or scans.errors),
            "appeal_about": _("an appeal"),
            "error_forms": [form, scans], "max_mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
        })

    def other_label(self):
        return _("Photos or documents (optional)")

    def get(self, request):
        return self.render_forms(AppealForm(initial={"idempotency_key": uuid.uuid4()}),
                                 ScanUploadForm(other_label=self.other_label()))

    def post(self, request):
        form = AppealForm(request.POST)
        scans = ScanUploadForm(request.POST, request.FILES, other_label=self.other_label())
        if not (form.is_valid() & scans.is_valid()):
            return self.render_forms(form, scans)
        try:
            service_request = _submit(
                request, actor=request.user, kind=ServiceRequest.Kind.APPEAL, channel=self.channel,
                station=self.station, form_data={}, attachments=scans.uploads(), **form.service_fields())
        except ValidationError as error:
            place_service_errors(error, form=form, scans=scans)
            return self.render_forms(form, scans)
        messages.success(request, _("Appeal filed and sent to %(department)s. Print the receipt for the resident.")
                         % {"department": service_request.department.name})
        return HttpResponseRedirect(reverse("gov_services:counter-request-receipt", args=[service_request.pk]))


class CounterConsentCodeSendView(CounterAccessMixin, View):
    """Texts the resident a consent code for the form being filled in (the button beside the consent).

    The page's script posts here and shows the answer beside the button (JSON). Without the script
    the button posts the whole form here and a short page says what happened; the browser's Back
    button returns to the form with what was typed still in it.
    """

    http_method_names = ["post"]
    template_name = "gov_services/counter_consent_code_sent.html"

    def post(self, request):
        form = ConsentCodeSendForm(request.POST)
        if not form.is_valid():
            return self.answer(sent=False, message=_("This form has lost its key. Open the form again and fill it "
                                                     "in once more."), status=400)
        data = form.cleaned_data
        try:
            number = consent_code_send(actor=request.user, station=self.station, phone=data["applicant_phone"],
                                       idempotency_key=data["idempotency_key"],
                                       about=data["about"] or _("a request"), ip=client_address(request))
        except ValidationError as error:
            return self.answer(sent=False, message=" ".join(error.messages), status=400)
        return self.answer(sent=True, message=_("Code sent to %(phone)s. Ask the resident to read it out.")
                           % {"phone": mask_mobile(number)})

    def answer(self, *, sent: bool, message: str, status: int = 200):
        if "application/json" in self.request.headers.get("Accept", ""):
            return JsonResponse({"sent": sent, "message": message}, status=status)
        return TemplateResponse(self.request, self.template_name, {"sent": sent, "message": message},
                                status=status)

