"""A request filed at the counter: the station's ledger (台账) and its export, the request's page with
the supplement (补正), the fee taken afterwards, its scans, and the receipt slip (回执) for the resident.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from agency import services as till
from agency.views_till_wallet import wallet_choices
from agency.visit_links import next_url, visit_context, visit_of
from core.http import user_file_response
from core.money import yuan_plain
from core.personal_data import personal_data_view_record
from core.spreadsheets import spreadsheet_response
from core.state_machine import TransitionNotAllowed
from gov_services.catalogue.eforms import display_rows
from gov_services.identifiers import format_tracking_code
from gov_services.models import RequestFee, ServiceRequest
from gov_services.requests.display import (
    STAFF,
    material_checklist,
    missing_note,
    request_deadline,
    timeline_rows,
    with_row_display,
)
from gov_services.requests.filters_counter import LedgerFilter
from gov_services.requests.forms_counter import ScanUploadForm, SupplementForm
from gov_services.requests.ledger_export import ledger_sheet
from gov_services.requests.selectors.requests import attachment_for_download, station_ledger
from gov_services.requests.services import MAX_ATTACHMENT_BYTES, service_request_resubmit
from gov_services.requests.services.fees import fee_due_fen, fee_wallet_payment, service_request_fee_charge
from gov_services.requests.services.visits import service_request_visit_register
from gov_services.requests.views_counter_common import CounterAccessMixin, place_service_errors
from gov_services.requests.views_visit import fee_and_visit_after_filing, fee_wallet_page
from gov_services.requests.workflow import APPEAL_LIMIT_DAYS
from gov_services.selectors.calendar import work_calendar
from stations.scope import scope_for

Status = ServiceRequest.Status

LEDGER_PAGE_SIZE = 25


# ---------------------------------------------------------------------------------------------
# 1. The ledger (台账) and its export
# ---------------------------------------------------------------------------------------------

class CounterRequestListView(CounterAccessMixin, ListView):
    """Every request filed at the station, newest first, by month, category and status."""

    template_name = "gov_services/counter_ledger.html"
    context_object_name = "service_requests"
    paginate_by = LEDGER_PAGE_SIZE

    def get_filter(self) -> LedgerFilter:
        if not hasattr(self, "search"):
            self.search = ledger_filter(self.request, station=self.station)
        return self.search

    def get_queryset(self):
        return self.get_filter().qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = with_row_display(context["service_requests"])
        search = self.get_filter()
        return {**context, "service_requests": rows, "station": self.station, "filter_form": search.form,
                "filtered": search.filtered}


def ledger_filter(request, *, station) -> LedgerFilter:
    """The ledger of `station` with the query string's filters (the page's and its export's)."""
    return LedgerFilter(request.GET, queryset=station_ledger(user=request.user).filter(station=station),
                        today=timezone.localdate())


class CounterRequestExportView(CounterAccessMixin, View):
    """The ledger with the page's filters (all pages) as an XLSX file."""

    def get(self, request):
        search = ledger_filter(request, station=self.station)
        month = search.cleaned().get("month")
        period = f"{month:%Y%m}" if month else f"{timezone.localdate():%Y%m%d}"
        return spreadsheet_response([ledger_sheet(search.qs, title=_("Service ledger"))], fmt="xlsx",
                                    filename=f"ledger-{self.station.code}-{period}.xlsx")


# ---------------------------------------------------------------------------------------------
# 2. A request at the counter: detail, supplement (补正), attachments
# ---------------------------------------------------------------------------------------------

class CounterRequestDetailView(CounterAccessMixin, View):
    """Status, deadline, timeline (staff view), e-form data, scans; the supplement form when returned."""

    template_name = "gov_services/counter_request_detail.html"

    def render_detail(self, service_request, *, supplement=None, scans=None):
        timeline = timeline_rows(service_request, audience=STAFF)
        materials = list(service_request.item.materials.all()) if service_request.item_id else []
        returned = service_request.status == Status.RETURNED
        if returned and supplement is None:
            supplement = SupplementForm()
            scans = ScanUploadForm(materials=materials)
        item = service_request.item
        if service_request.applicant_phone:  # shown in full, to call the applicant (PIPL log)
            personal_data_view_record(viewer=self.request.user, target=service_request, fields=["applicant_phone"],
                                      purpose=_("contacting the applicant from the station"))
        return TemplateResponse(self.request, self.template_name, {
            "service_request": service_request, "station": self.station,
            "tracking_display": format_tracking_code(service_request.tracking_code),
            "deadline": request_deadline(service_request, now=timezone.now(), calendar=work_calendar()),
            "timeline": timeline,
            "form_rows": display_rows(item.form_schema, service_request.form_data, mask=True) if item else [],
            "attachments": service_request.attachments.select_related("material").order_by("uploaded_at", "pk"),
            "supplement": supplement if returned else None, "scans": scans if returned else None,
            "return_note": missing_note(service_request, timeline),
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
# 3. The receipt slip (回执)
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
        checklist = material_checklist(service_request, list(service_request.attachments.order_by("pk")))
        track_path = _track_path()
        item = service_request.item
        return super().get_context_data(
            service_request=service_request, station=service_request.station,
            tracking_display=format_tracking_code(service_request.tracking_code),
            limit_days=item.promised_limit_days if item else APPEAL_LIMIT_DAYS,
            fee_yuan=yuan_plain(item.fee_fen) if item and item.fee_fen else "",
            received=checklist.received(),
            track_url=self.request.build_absolute_uri(track_path) if track_path else "",
            # The tracking page's deep link: its form with the code filled in (the digits are typed there).
            track_link=f"{track_path}?{urlencode({'code': service_request.tracking_code})}" if track_path else "",
            printed_at=timezone.now(), **kwargs)

