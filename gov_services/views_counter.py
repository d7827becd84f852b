"""The operator's request screens at the counter (/counter/requests/ …).

Only the operators and liaisons of a station get in (stations/scope.py; 403 for anyone else), and
only to the requests filed at that station: another station's request is a 404, as a missing one. Views parse input, check
access, call one service or selector and render. The service's ValidationError maps fields to
messages; `place_service_errors` shows each message beside the field it is about (e-form fields under
"form_data.<name>", scans under "attachments.<material id>"), in the language of the page.

Idempotency: the application and appeal forms carry a key made when the form is first shown
(uuid4). It survives a page shown again with errors, so a resend after a network drop, or a
double click, returns the first request instead of filing a second one.
"""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from accounts.lockout import LOCKED_OUT, code_guard
from accounts.phone_codes import is_wrong_code
from agency import services as till
from agency.views_till_wallet import wallet_choices
from agency.visit_links import next_url, visit_context, visit_of
from core.http import client_address, user_file_response
from core.masking import mask_mobile
from core.money import yuan_plain
from core.personal_data import personal_data_view_record
from core.service_errors import errors_onto
from core.spreadsheets import spreadsheet_response
from core.state_machine import TransitionNotAllowed
from gov_services.eforms import build_form, display_rows
from gov_services.forms_counter import (
    AppealForm,
    ApplicationForm,
    ConsentCodeSendForm,
    ItemSearchForm,
    LedgerFilterForm,
    ScanUploadForm,
    SupplementForm,
)
from gov_services.identifiers import format_tracking_code, validate_mobile
from gov_services.ledger_export import ledger_sheet
from gov_services.models import RequestFee, ServiceItem, ServiceRequest
from gov_services.selectors.catalogue import (
    parent_item_refusal,
    ranked_by_station_use,
    service_items_available_at,
    with_sub_items,
)
from gov_services.selectors.drafts import (
    access_application_draft_by_id,
    access_draft_scan_by_id,
    open_application_draft,
    recently_filed_draft_keys,
)
from gov_services.selectors.requests import (
    attachment_for_download,
    request_timeline,
    service_request_list,
    station_ledger,
)
from gov_services.services.drafts import (
    FILED_DRAFT_LIFETIME,
    application_draft_discard,
    application_draft_filed,
    application_draft_open,
    application_draft_save,
    draft_uploads,
)
from gov_services.services.fees import fee_due_fen, fee_wallet_payment, service_request_fee_charge
from gov_services.services.requests import (
    ATTACHMENTS,
    FORM_DATA_ERROR_PREFIX,
    MAX_ATTACHMENT_BYTES,
    consent_code_send,
    service_request_resubmit,
    service_request_submit,
)
from gov_services.services.visits import service_request_visit_register
from gov_services.views_drafts import (
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
from gov_services.views_visit import fee_and_visit_after_filing, fee_wallet_page
from gov_services.workflow import APPEAL_LIMIT_DAYS, CLOCK_RUNNING, Action
from stations.scope import get_in_scope, scope_for

Status = ServiceRequest.Status

ITEM_RESULTS = 50
LEDGER_PAGE_SIZE = 25


# ---------------------------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------------------------

class CounterAccessMixin(LoginRequiredMixin):
    """The counter is for a station's operators and liaisons; `self.station` is theirs."""

    station = None
    # What a liaison files was relayed from a household visit or a WeChat group (scans optional).
    channel = ServiceRequest.Channel.COUNTER

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            scope = scope_for(request.user)
            if not scope.is_counter_staff:
                raise PermissionDenied(_("The counter is for the operators and liaisons of a station."))
            self.station = scope.counter_station
            if scope.is_only_liaison:
                self.channel = ServiceRequest.Channel.LIAISON
        return super().dispatch(request, *args, **kwargs)

    def get_service_request(self, request_id: int) -> ServiceRequest:
        """A request the user may see *and* that was filed at this counter's station; 404 otherwise."""
        return get_in_scope(service_request_list(user=self.request.user).filter(station=self.station),
                            pk=request_id)


# ---------------------------------------------------------------------------------------------
# Helpers: display and error placement
# ---------------------------------------------------------------------------------------------

def deadline_state(service_request: ServiceRequest, now) -> str:
    """How the ledger and the detail show the deadline: paused | pending | overdue | running | done."""
    if service_request.status == Status.RETURNED:
        return "paused"
    if service_request.due_at is None:
        return "pending" if service_request.status == Status.SUBMITTED else "done"
    if service_request.status in CLOCK_RUNNING:
        return "overdue" if service_request.due_at < now else "running"
    return "done"


def place_service_errors(error: ValidationError, *, form, scans: ScanUploadForm | None = None, eform=None) -> None:
    """Show the service's ValidationError on the page's forms: e-form fields on the e-form, scans beside
    the input of their material (the service keys them "attachments.<material id>")."""
    errors_onto(form, error, parts={FORM_DATA_ERROR_PREFIX: eform,
                                    ATTACHMENTS: (scans, scans.field_of_material) if scans is not None else None})


def _raw_eform_data(eform) -> dict:
    """The e-form's values as the browser sent them; the service checks them against the item's schema."""
    return {} if eform is None else {name: eform[name].data for name in eform.fields}


# ---------------------------------------------------------------------------------------------
# 1. The ledger (台账) and its export
# ---------------------------------------------------------------------------------------------

class CounterRequestListView(CounterAccessMixin, ListView):
    """Every request filed at the station, newest first, by month, category and status."""

    template_name = "gov_services/counter_ledger.html"
    context_object_name = "service_requests"
    paginate_by = LEDGER_PAGE_SIZE

    def get_filter_form(self) -> LedgerFilterForm:
        if not hasattr(self, "filter_form"):
            self.filter_form = LedgerFilterForm(self.request.GET, today=timezone.localdate())
        return self.filter_form

    def get_queryset(self):
        return station_ledger(user=self.request.user, **self.get_filter_form().filters()).filter(station=self.station)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        rows = list(context["service_requests"])
        for row in rows:
            row.tracking_display = format_tracking_code(row.tracking_code)
            row.deadline_state = deadline_state(row, now)
        filters = self.get_filter_form().filters()
        return {**context, "service_requests": rows, "station": self.station, "filter_form": self.get_filter_form(),
                "filtered": any(filters.values())}


class CounterRequestExportView(CounterAccessMixin, View):
    """The ledger with the page's filters (all pages) as an XLSX file."""

    def get(self, request):
        filters = LedgerFilterForm(request.GET, today=timezone.localdate()).filters()
        rows = station_ledger(user=request.user, **filters).filter(station=self.station)
        period = f"{filters['month']:%Y%m}" if filters["month"] else f"{timezone.localdate():%Y%m%d}"
        return spreadsheet_response([ledger_sheet(rows, title=_("Service ledger"))], fmt="xlsx",
                                    filename=f"ledger-{self.station.code}-{period}.xlsx")


# ---------------------------------------------------------------------------------------------
# 2. Filing an application: find the item, then fill it in
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

    Nothing is lost on the way (gov_services/services/drafts.py): every post keeps the scans, the
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
# 3. Filing an appeal (诉求)
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


# ---------------------------------------------------------------------------------------------
# 4. A request at the counter: detail, supplement (补正), attachments
# ---------------------------------------------------------------------------------------------

def _timeline_rows(events) -> list[dict]:
    rows = []
    for event in events:
        rows.append({
            "at": event.at, "actor": event.actor, "note": event.note, "internal": event.internal,
            "action": Action(event.action).label if event.action in Action.values else event.action,
            "from": Status(event.from_status).label if event.from_status in Status.values else "",
            "to": Status(event.to_status).label if event.to_status in Status.values else "",
            "moved": bool(event.from_status) and event.from_status != event.to_status,
        })
    return rows


class CounterRequestDetailView(CounterAccessMixin, View):
    """Status, deadline, timeline (staff view), e-form data, scans; the supplement form when returned."""

    template_name = "gov_services/counter_request_detail.html"

    def render_detail(self, service_request, *, supplement=None, scans=None):
        events = list(request_timeline(request=service_request, for_resident=False))
        materials = list(service_request.item.materials.all()) if service_request.item_id else []
        returned = service_request.status == Status.RETURNED
        if returned and supplement is None:
            supplement = SupplementForm()
            scans = ScanUploadForm(materials=materials)
        return_event = next((e for e in reversed(events) if e.action == Action.RETURN_FOR_SUPPLEMENT), None)
        item = service_request.item
        if service_request.applicant_phone:  # shown in full, to call the applicant (PIPL log)
            personal_data_view_record(viewer=self.request.user, target=service_request, fields=["applicant_phone"],
                                      purpose=_("contacting the applicant from the station"))
        return TemplateResponse(self.request, self.template_name, {
            "service_request": service_request, "station": self.station,
            "tracking_display": format_tracking_code(service_request.tracking_code),
            "deadline_state": deadline_state(service_request, timezone.now()),
            "timeline": _timeline_rows(events),
            "form_rows": display_rows(item.form_schema, service_request.form_data, mask=True) if item else [],
            "attachments": service_request.attachments.select_related("material").order_by("uploaded_at", "pk"),
            "supplement": supplement if returned else None, "scans": scans if returned else None,
            "return_note": return_event.note if return_event else "",
            "has_errors": bool(returned and (supplement.errors or scans.errors)),
            "error_forms": [supplement, scans], "max_mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
            "fee": RequestFee.objects.filter(request=service_request).select_related("counter_transaction").first(),
            "fee_due_yuan": yuan_plain(due) if (due := fee_due_fen(service_request)) else "",
            "can_take_fee": scope_for(self.request.user).is_till_keeper, **visit_context(self.request),
            "fee_wallets": wallet_choices(self.request.user),
        })

    def get(self, request, pk):
        return self.render_detail(self.get_service_request(pk))


class CounterRequestSupplementView(CounterRequestDetailView):
    """补正 at the counter: the resident brings what was missing; new scans and a note go to the department."""

    http_method_names = ["post"]

    def post(self, request, pk):
        service_request = self.get_service_request(pk)
        materials = list(service_request.item.materials.all()) if service_request.item_id else []
        supplement = SupplementForm(request.POST)
        scans = ScanUploadForm(request.POST, request.FILES, materials=materials)
        detail_url = reverse("gov_services:counter-request-detail", args=[service_request.pk])
        if not (supplement.is_valid() & scans.is_valid()):
            return self.render_detail(service_request, supplement=supplement, scans=scans)
        try:
            service_request_resubmit(request=service_request, actor=request.user,
                                     note=supplement.cleaned_data["note"], attachments=scans.uploads())
        except TransitionNotAllowed:
            # A double click or a resend: the first one went through, or the department acted meanwhile.
            messages.info(request, _("This request is no longer waiting for supplement; nothing more was sent."))
            return HttpResponseRedirect(next_url(request, detail_url))
        except ValidationError as error:
            place_service_errors(error, form=supplement, scans=scans)
            return self.render_detail(service_request, supplement=supplement, scans=scans)
        messages.success(request, _("Supplement sent to %(department)s; the clock runs again.")
                         % {"department": service_request.department.name})
        fee_and_visit_after_filing(request, service_request, supplement=True)
        return HttpResponseRedirect(next_url(request, detail_url))


class CounterRequestFeeView(CounterAccessMixin, View):
    """Take the fee of a request filed at this counter afterwards (filed by a liaison, or the till refused
    at filing): once; the item's waiver rule applies. The station's operators only."""

    http_method_names = ["post"]

    def post(self, request, pk):
        if not scope_for(request.user).is_till_keeper:
            raise PermissionDenied(_("The till is kept by the operators of a station."))
        service_request = self.get_service_request(pk)
        detail = reverse("gov_services:counter-request-detail", args=[service_request.pk])
        method = request.POST.get("payment_method", "cash")
        try:
            if till.is_wallet(method):
                return fee_by_wallet(request, service_request, wallet=method, detail=detail)
            service_request_fee_charge(actor=request.user, service_request=service_request)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Fee recorded."))
        return HttpResponseRedirect(next_url(request, detail))


def fee_by_wallet(request, service_request, *, wallet: str, detail: str) -> HttpResponseRedirect:
    """The fee by WeChat Pay / Alipay: once the wallet has confirmed (the QR page's "done" step comes back
    here) record it and add it to the visit; before that, show the QR."""
    payment = fee_wallet_payment(service_request)
    if payment is None or payment.status != payment.Status.PAID or payment.counter_transaction_id is None:
        page = fee_wallet_page(request, service_request, wallet=wallet)
        return HttpResponseRedirect(page or detail)
    service_request_fee_charge(actor=request.user, service_request=service_request, payment_method=payment.wallet)
    visit = visit_of(request)
    if visit is not None:
        service_request_visit_register(actor=request.user, visit=visit, service_request=service_request)
    messages.success(request, _("Fee recorded: %(wallet)s confirmed the payment.") % {
        "wallet": payment.get_wallet_display()})
    return HttpResponseRedirect(next_url(request, detail))


class CounterAttachmentDownloadView(CounterAccessMixin, View):
    """A scan of one of the station's requests, streamed from private storage as a download."""

    def get(self, request, pk):
        attachment = attachment_for_download(user=request.user, attachment_id=pk)
        if attachment.request.station_id != self.station.pk:
            raise Http404(_("Not found."))  # another station's file, answered as a missing one
        return user_file_response(attachment.file, filename=attachment.original_name)


# ---------------------------------------------------------------------------------------------
# 5. The receipt slip (回执)
# ---------------------------------------------------------------------------------------------

def _track_path() -> str | None:
    """The public tracking page, once it exists (gov_services:track)."""
    try:
        return reverse("gov_services:track")
    except NoReverseMatch:
        return None


class CounterRequestReceiptView(CounterAccessMixin, TemplateView):
    """A printable slip for the resident: the tracking code and how to follow the request."""

    template_name = "gov_services/counter_receipt.html"

    def get_context_data(self, **kwargs):
        service_request = self.get_service_request(self.kwargs["pk"])
        received: dict[str, int] = {}
        for attachment in service_request.attachments.select_related("material").order_by("pk"):
            label = str(attachment.material) if attachment.material else _("Other documents")
            received[label] = received.get(label, 0) + 1
        track_path = _track_path()
        item = service_request.item
        return super().get_context_data(
            service_request=service_request, station=service_request.station,
            tracking_display=format_tracking_code(service_request.tracking_code),
            limit_days=item.promised_limit_days if item else APPEAL_LIMIT_DAYS,
            fee_yuan=yuan_plain(item.fee_fen) if item and item.fee_fen else "",
            received=sorted(received.items(), key=lambda pair: pair[0] == _("Other documents")),
            track_url=self.request.build_absolute_uri(track_path) if track_path else "",
            # The tracking page's deep link: its form with the code filled in (the digits are typed there).
            track_link=f"{track_path}?{urlencode({'code': service_request.tracking_code})}" if track_path else "",
            printed_at=timezone.now(), **kwargs)

