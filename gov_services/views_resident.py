"""The resident's side: browse the catalogue, apply online, "my requests", public tracking, rating.

Residents are often elderly, on a phone and a flaky network: one task per page, big controls,
every write protected against a double click or a resend (the application's idempotency key; the
workflow refuses a second resubmit or rating), and every result shown on a page that can be
reloaded safely (post/redirect/get).

Access: the catalogue and the tracking page are public; applying and "my requests" need a signed-in
account and show only the requests filed for that account (another's → 404). Tracking needs the
code and the last four digits of the applicant's phone, and is rate-limited per client address.
"""

import time
import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_ratelimit.core import is_ratelimited

from core.masking import mask_id_number, mask_name
from core.money import yuan_plain
from core.service_errors import errors_onto
from core.timeutil import local_date
from gov_services import eforms
from gov_services.forms_reports import AddInformationForm
from gov_services.forms_resident import (
    OnlineApplicationForm,
    RatingForm,
    ResubmitForm,
    TrackForm,
    material_field_name,
)
from gov_services.identifiers import format_tracking_code, normalise_tracking_code
from gov_services.models import Rating, ServiceItem, ServiceRequest
from gov_services.selectors.catalogue import (
    parent_item_refusal,
    places_offering,
    service_item_search,
    with_sub_items,
)
from gov_services.selectors.drafts import access_resident_draft_by_id, open_resident_draft, resident_drafts
from gov_services.selectors.reports import followed_reports, report_row
from gov_services.selectors.requests import request_timeline, resident_request_list, track_request
from gov_services.selectors.supervision import rerate_refusal
from gov_services.services.drafts import (
    application_draft_discard,
    application_draft_filed,
    application_draft_open,
    application_draft_save,
    draft_uploads,
)
from gov_services.services.requests import (
    ATTACHMENTS,
    FORM_DATA_ERROR_PREFIX,
    service_request_rate,
    service_request_rate_by_tracking,
    service_request_rerate,
    service_request_rerate_by_tracking,
    service_request_resubmit,
    service_request_submit,
)
from gov_services.views_drafts import EFORM_PREFIX, ONLINE_APPLICANT_FIELDS, scan_thumbnail_url, typed_fields
from gov_services.workflow import CLOCK_RUNNING, OPEN_STATUSES, Action

Status = ServiceRequest.Status

# --- Tracking: rate limit and the proof kept in the session ------------------------------------

TRACK_ATTEMPTS = 10            # lookups per client address …
TRACK_WINDOW = 10 * 60         # … per ten minutes
TRACK_PROOF_TTL = 30 * 60      # a successful lookup is remembered this long in the session
_TRACK_SESSION_KEY = "cz_tracked"
_TRACK_SESSION_MAX = 5


def track_attempt_allowed(request) -> bool:
    """Count one lookup from this client address; False once TRACK_ATTEMPTS are used in the window."""
    return not is_ratelimited(request, group="gov_services.track", key="ip", rate=(TRACK_ATTEMPTS, TRACK_WINDOW),
                              increment=True)


def _remember_tracked(request, code: str, last4: str) -> None:
    now = time.time()
    proofs = {c: p for c, p in (request.session.get(_TRACK_SESSION_KEY) or {}).items() if p["until"] > now}
    proofs[code] = {"last4": last4, "until": now + TRACK_PROOF_TTL}
    newest = sorted(proofs.items(), key=lambda kv: kv[1]["until"])[-_TRACK_SESSION_MAX:]
    request.session[_TRACK_SESSION_KEY] = dict(newest)


def _tracked_last4(request, code: str) -> str | None:
    proof = (request.session.get(_TRACK_SESSION_KEY) or {}).get(code)
    return proof["last4"] if proof and proof["until"] > time.time() else None


# --- Presentation helpers ----------------------------------------------------------------------

STATUS_NEXT = {
    Status.SUBMITTED: gettext_lazy("The department will check your request. It will accept it, or tell you "
                                   "what is missing."),
    Status.RETURNED: gettext_lazy("The department needs more material from you. See what is missing below; "
                                  "the time limit is paused until you send it."),
    Status.REJECTED: gettext_lazy("The department did not accept this request. The reason is below."),
    Status.ACCEPTED: gettext_lazy("The department has accepted your request and is working on it."),
    Status.UNDER_REVIEW: gettext_lazy("The department is reviewing your request."),
    Status.APPROVED: gettext_lazy("Your request has been approved. The result will be issued soon."),
    Status.REFUSED: gettext_lazy("Your request was refused. The result and the reason will be issued to you."),
    Status.COMPLETED: gettext_lazy("Your request is complete. Please tell us how satisfied you are."),
    Status.RATED: gettext_lazy("Your request is complete. Thank you for your rating."),
    Status.CLOSED: gettext_lazy("This request is closed."),
}

EVENT_TITLES = {
    Action.SUBMIT: gettext_lazy("Submitted"),
    Action.ACCEPT: gettext_lazy("Accepted by the department"),
    Action.RETURN_FOR_SUPPLEMENT: gettext_lazy("Returned: more material needed"),
    Action.RESUBMIT: gettext_lazy("Material sent again"),
    Action.REJECT: gettext_lazy("Not accepted"),
    Action.START_REVIEW: gettext_lazy("Review started"),
    Action.APPROVE: gettext_lazy("Approved"),
    Action.REFUSE: gettext_lazy("Refused"),
    Action.COMPLETE: gettext_lazy("Completed: result issued"),
    Action.RATE: gettext_lazy("Rated"),
    Action.CLOSE: gettext_lazy("Closed"),
    Action.NOTE: gettext_lazy("Message from the department"),
    Action.RERATE: gettext_lazy("Rated again after the callback"),
    Action.ADD_INFORMATION: gettext_lazy("You added information"),
    Action.PUBLIC_REPLY: gettext_lazy("Public reply from the department"),
}


def resident_timeline(service_request: ServiceRequest) -> list[dict]:
    """The steps the resident may see, oldest first (internal events and notes are left out)."""
    steps = []
    for event in request_timeline(request=service_request, for_resident=True):
        title = EVENT_TITLES.get(event.action)
        if title is None:
            try:
                title = Action(event.action).label
            except ValueError:
                title = event.action
        extra = ""
        if event.action in (Action.RATE, Action.RERATE) and event.data.get("score") in Rating.Score.values:
            extra = Rating.Score(event.data["score"]).label
        steps.append({"at": event.at, "title": title, "note": event.note, "extra": extra,
                      "action": event.action})
    return steps


def _missing_note(timeline: list[dict]) -> str:
    for step in reversed(timeline):
        if step["action"] == Action.RETURN_FOR_SUPPLEMENT:
            return step["note"]
    return ""


def _one_to_one(obj, name):
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:  # the reverse one-to-one (rating, follow-up) is not there yet
        return None


def _can_rerate(rating, follow_up) -> bool:
    """Only a rating with a follow-up can be re-rated (once, after a resolved callback)."""
    return follow_up is not None and rerate_refusal(rating=rating) is None


def request_summary(service_request: ServiceRequest) -> dict:
    """What both the resident's page and the tracking page show about a request (no ID number)."""
    timeline = resident_timeline(service_request)
    status = Status(service_request.status)
    rating, follow_up = _one_to_one(service_request, "rating"), _one_to_one(service_request, "follow_up")
    return {
        "req": service_request,
        "title": service_request.item.name if service_request.item_id else (
            service_request.subject or service_request.get_appeal_category_display()),
        "tracking_code": format_tracking_code(service_request.tracking_code),
        "status_label": status.label,
        "status_next": STATUS_NEXT.get(status, ""),
        "clock_running": status in CLOCK_RUNNING and service_request.paused_at is None,
        "timeline": timeline,
        "missing": _missing_note(timeline) if status == Status.RETURNED else "",
        "rating": rating,
        "follow_up": follow_up,
        "can_rate": status == Status.COMPLETED,
        "can_rerate": _can_rerate(rating, follow_up),
        "masked_name": mask_name(service_request.applicant_name),
    }


def error_summary(*forms) -> list[dict]:
    """Every error of the given forms (None skipped), for the summary at the top of the page."""
    errors = []
    for form in forms:
        if form is None or not form.errors:
            continue
        errors += [{"href": "", "label": "", "message": message} for message in form.non_field_errors()]
        errors += [{"href": "", "label": "", "message": message}
                   for field in form.hidden_fields() for message in field.errors]
        for field in form.visible_fields():
            errors += [{"href": f"#{field.id_for_label}", "label": field.label, "message": message}
                       for message in field.errors]
    return errors


def _safe_next(request, value: str | None) -> str | None:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return None


def _signup_url() -> str | None:
    try:
        return reverse("accounts:signup")
    except NoReverseMatch:  # until accounts/urls.py includes the sign-up pages
        return None


# --- Catalogue ---------------------------------------------------------------------------------

class ServiceItemBrowseView(View):
    """/services/: find a service by name or pinyin initials; online ones first-class."""

    template_name = "gov_services/resident_service_list.html"
    paginate_by = 20

    def get(self, request):
        query = (request.GET.get("q") or "").strip()[:50]
        online_only = request.GET.get("online") == "1"
        items = with_sub_items(service_item_search(query=query, online_only=online_only),
                               sub_items=service_item_search(), nested=not query)
        if not query:  # browsing: what can be done from the phone comes first
            items = items.order_by("-online_allowed", "code")
        page = Paginator(items, self.paginate_by).get_page(request.GET.get("page"))
        return TemplateResponse(request, self.template_name, {
            "page_obj": page, "items": page.object_list, "query": query, "online_only": online_only,
            "filtered": bool(query or online_only),
        })


def _item_or_404(code: str) -> ServiceItem:
    item = service_item_search().filter(code=code).first()
    if item is None:
        raise Http404(_("There is no such service."))
    return item


class ServiceItemGuideView(View):
    """/services/<code>/: what the service is, what to bring, how long it takes, where to apply."""

    template_name = "gov_services/resident_service_detail.html"

    def get(self, request, code):
        item = _item_or_404(code)
        offered_at_villages = places_offering(item=item).exists()
        sub_items = list(service_item_search().filter(parent=item))  # a parent's sub-items are what one applies for
        return TemplateResponse(request, self.template_name, {
            "item": item, "materials": item.materials.all(), "fee_yuan": yuan_plain(item.fee_fen),
            "signup_url": _signup_url(), "offered_at_villages": offered_at_villages,
            "apply_online": item.online_allowed and offered_at_villages and not sub_items,
            "sub_items": sub_items,
        })


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


def _errors_to_forms(error: ValidationError, form, eform=None) -> None:
    """A service's errors beside the fields they concern; anything else at the top of the form."""
    if getattr(error, "code", None) == "idempotency_conflict":
        form.add_error(None, _("This form was already sent with different content. Check “My requests” "
                               "first; to file a new request, open the service again."))
        return
    errors_onto(form, error, parts={FORM_DATA_ERROR_PREFIX: eform, ATTACHMENTS: (form, form.field_of_material)})


# --- My requests -------------------------------------------------------------------------------

def _own_request_or_404(user, pk: int) -> ServiceRequest:
    """One of the user's own requests (filed for their account); 404 for anyone else's."""
    service_request = resident_request_list(user=user).select_related("village").filter(pk=pk).first()
    if service_request is None:
        raise Http404(_("There is no such request among yours."))
    return service_request


class ResidentServiceRequestListView(LoginRequiredMixin, View):
    """/me/requests/: the requests filed for the signed-in account, newest first."""

    template_name = "gov_services/resident_request_list.html"
    paginate_by = 20

    def get(self, request):
        page = Paginator(resident_request_list(user=request.user), self.paginate_by).get_page(request.GET.get("page"))
        rows = [{"req": r, "title": r.item.name if r.item_id else (r.subject or r.get_appeal_category_display()),
                 "tracking_code": format_tracking_code(r.tracking_code)}
                for r in page.object_list]
        followed = [report_row(r) for r in followed_reports(user=request.user)[:20]]
        return TemplateResponse(request, self.template_name, {"page_obj": page, "rows": rows, "followed": followed,
                                                              "drafts": resident_drafts(user=request.user)})


class _ResidentRequestMixin(LoginRequiredMixin):
    template_name = "gov_services/resident_request_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.service_request = _own_request_or_404(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def render(self, *, resubmit_form=None, eform=None, rating_form=None, rerate_form=None, status=200):
        req = self.service_request
        summary = request_summary(req)
        if req.status == Status.RETURNED:
            resubmit_form = resubmit_form or ResubmitForm(item=req.item, prefix="resubmit")
            if eform is None and req.item_id and req.item.form_schema:
                eform = eforms.build_form(req.item.form_schema, initial=req.form_data)
        schema = req.item.form_schema if req.item_id else []
        return TemplateResponse(self.request, self.template_name, {
            **summary,
            "masked_id": mask_id_number(req.applicant_id_number),
            "form_rows": eforms.display_rows(schema, req.form_data, mask=True),
            "attachments": req.attachments.select_related("material").order_by("uploaded_at", "pk"),
            "resubmit_form": resubmit_form, "eform": eform,
            "material_fields": resubmit_form.material_fields() if resubmit_form else [],
            "rating_form": rating_form or (RatingForm(prefix="rating") if summary["can_rate"] else None),
            "rerate_form": rerate_form or (RatingForm(prefix="rerate") if summary["can_rerate"] else None),
            # A problem the resident reported: they may add to it while it is open (views_reports).
            "info_form": AddInformationForm(prefix="info") if req.kind == ServiceRequest.Kind.APPEAL
            and req.channel == ServiceRequest.Channel.WEB and req.status in OPEN_STATUSES else None,
            "errors": error_summary(resubmit_form if resubmit_form and resubmit_form.is_bound else None,
                                    eform if eform is not None and eform.is_bound else None,
                                    rating_form, rerate_form),
        }, status=status)


class ResidentServiceRequestDetailView(_ResidentRequestMixin, View):
    """/me/requests/<pk>/: status, deadline, timeline, what is missing, resubmit and rate."""

    def get(self, request, pk):
        return self.render()


class ServiceRequestResubmitView(_ResidentRequestMixin, View):
    """POST /me/requests/<pk>/resubmit/: send the missing material (补正)."""

    def get(self, request, pk):
        return redirect("gov_services:resident-service-request-detail", pk=pk)

    def post(self, request, pk):
        req = self.service_request
        form = ResubmitForm(request.POST, request.FILES, item=req.item, prefix="resubmit")
        schema = req.item.form_schema if req.item_id else []
        eform = eforms.build_form(schema, data=request.POST) if schema else None
        form_ok, eform_ok = form.is_valid(), eform is None or eform.is_valid()
        if not (form_ok and eform_ok):
            return self.render(resubmit_form=form, eform=eform)
        try:
            service_request_resubmit(
                request=req, actor=request.user, note=form.cleaned_data["note"],
                form_data=eforms.to_json_data(schema, eform.cleaned_data) if eform else None,
                attachments=form.uploads())
        except PermissionDenied as error:
            raise Http404(str(error)) from error
        except ValidationError as error:
            if getattr(error, "code", None) == "illegal_transition":
                messages.info(request, _("This request is no longer waiting for material; it may already "
                                         "have been sent."))
                return redirect("gov_services:resident-service-request-detail", pk=pk)
            _errors_to_forms(error, form, eform)
            return self.render(resubmit_form=form, eform=eform)
        messages.success(request, _("Thank you. Your material has been sent to the department."))
        return redirect("gov_services:resident-service-request-detail", pk=pk)


def rating_message(score: int) -> str:
    if score in Rating.SATISFIED_SCORES:
        return _("Thank you for your rating.")
    return _("Thank you for your rating. We are sorry you are not satisfied: the department will call you back "
             "to hear what went wrong.")


class ServiceRequestRateView(_ResidentRequestMixin, View):
    """POST /me/requests/<pk>/rate/: the resident's one rating; also used from the tracking page
    (`next` brings the resident back there)."""

    def get(self, request, pk):
        return redirect("gov_services:resident-service-request-detail", pk=pk)

    def post(self, request, pk):
        req = self.service_request
        back = _safe_next(request, request.POST.get("next")) or reverse(
            "gov_services:resident-service-request-detail", kwargs={"pk": pk})
        form = RatingForm(request.POST, prefix="rating")
        if not form.is_valid():
            return self.render(rating_form=form)
        try:
            service_request_rate(request=req, actor=request.user, score=form.cleaned_data["score"],
                                 comment=form.cleaned_data["comment"],
                                 officer_score=form.cleaned_data.get("officer_score"))
        except PermissionDenied as error:
            raise Http404(str(error)) from error
        except ValidationError as error:
            if getattr(error, "code", None) == "illegal_transition":
                messages.info(request, _("This request has already been rated. Each request is rated once."))
                return redirect(back)
            for message in error.messages:
                form.add_error(None, message)
            return self.render(rating_form=form)
        messages.success(request, rating_message(form.cleaned_data["score"]))
        return redirect(back)


class ServiceRequestRerateView(_ResidentRequestMixin, View):
    """POST /me/requests/<pk>/rerate/: the one re-rating after the department's callback resolved the
    follow-up of a dissatisfied rating."""

    def get(self, request, pk):
        return redirect("gov_services:resident-service-request-detail", pk=pk)

    def post(self, request, pk):
        back = reverse("gov_services:resident-service-request-detail", kwargs={"pk": pk})
        form = RatingForm(request.POST, prefix="rerate")
        if not form.is_valid():
            return self.render(rerate_form=form)
        try:
            service_request_rerate(request=self.service_request, actor=request.user,
                                   score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
        except PermissionDenied as error:
            raise Http404(str(error)) from error
        except ValidationError as error:
            if getattr(error, "code", None) in RERATE_REFUSALS:
                messages.info(request, " ".join(error.messages))
                return redirect(back)
            for message in error.messages:
                form.add_error(None, message)
            return self.render(rerate_form=form)
        messages.success(request, _("Thank you for rating again."))
        return redirect(back)


# Refusals of a re-rating that are not the resident's typing: shown as a message, not a form error.
RERATE_REFUSALS = ("not_rated", "already_rerated", "no_callback")


# --- Public tracking ---------------------------------------------------------------------------

class ServiceRequestTrackView(View):
    """/track/: the tracking code and the last four digits of the phone, no sign-in needed.

    A successful lookup redirects to /track/?code=…, which shows the request for TRACK_PROOF_TTL
    while the session remembers the proof (so reloading works and the digits never enter a URL).
    /track/?code=… without that proof is the receipt's deep link: the form with the code filled in.
    """

    template_name = "gov_services/track.html"

    def render(self, form, *, summary=None, limited=False, status=200, rating_form=None, rerate_form=None):
        if summary and summary["can_rate"] and rating_form is None:
            rating_form = RatingForm(prefix="rating")  # the lookup's proof is also the right to rate
        if summary and summary["can_rerate"] and rerate_form is None:
            rerate_form = RatingForm(prefix="rerate")
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "limited": limited, "rating_form": rating_form, "rerate_form": rerate_form,
            "track_minutes": TRACK_WINDOW // 60, **(summary or {}), "found": summary is not None,
            "errors": error_summary(form) if form.is_bound else [],
        }, status=status)

    def get(self, request):
        raw = (request.GET.get("code") or "").strip()[:30]
        if raw:
            try:
                code = normalise_tracking_code(raw)
            except ValidationError:
                code = None
            last4 = _tracked_last4(request, code) if code else None
            if last4:
                service_request = track_request(tracking_code=code, phone_last4=last4)
                if service_request is not None:
                    return self.render(TrackForm(initial={"code": format_tracking_code(code)}),
                                       summary=request_summary(service_request))
            return self.render(TrackForm(initial={"code": format_tracking_code(code) if code else raw}))
        return self.render(TrackForm())

    def post(self, request):
        form = TrackForm(request.POST)
        if not track_attempt_allowed(request):
            return self.render(form, limited=True, status=429)
        if not form.is_valid():
            return self.render(form)
        code, last4 = form.cleaned_data["code"], form.cleaned_data["phone_last4"]
        service_request = track_request(tracking_code=code, phone_last4=last4)
        if service_request is None:
            form.add_error(None, _("No request matches this tracking code and these four digits. Please check "
                                   "both against your receipt."))
            return self.render(form)
        _remember_tracked(request, code, last4)
        return redirect(f"{reverse('gov_services:track')}?code={format_tracking_code(code)}")


class ServiceRequestTrackRateView(View):
    """POST /track/rate/: rate from the tracking page. The proof is the one the lookup left in the
    session (code + last four digits), so only someone who just tracked the request can rate it."""

    def post(self, request):
        try:
            code = normalise_tracking_code((request.POST.get("code") or "")[:30])
        except ValidationError:
            return redirect("gov_services:track")
        last4 = _tracked_last4(request, code)
        back = f"{reverse('gov_services:track')}?code={format_tracking_code(code)}"
        if last4 is None:
            messages.info(request, _("Please enter the tracking code and the four digits again, then rate."))
            return redirect(back)
        form = RatingForm(request.POST, prefix="rating")
        if form.is_valid():
            try:
                service_request_rate_by_tracking(tracking_code=code, phone_last4=last4,
                                                 score=form.cleaned_data["score"], comment=form.cleaned_data["comment"],
                                                 officer_score=form.cleaned_data.get("officer_score"))
            except ValidationError as error:
                if getattr(error, "code", None) != "illegal_transition":
                    raise
                messages.info(request, _("This request has already been rated. Each request is rated once."))
                return redirect(back)
            messages.success(request, rating_message(form.cleaned_data["score"]))
            return redirect(back)
        service_request = track_request(tracking_code=code, phone_last4=last4)
        return ServiceRequestTrackView(request=request).render(
            TrackForm(initial={"code": format_tracking_code(code)}), summary=request_summary(service_request),
            rating_form=form)


class ServiceRequestTrackRerateView(View):
    """POST /track/rerate/: re-rate from the tracking page, with the proof the lookup left in the session."""

    def post(self, request):
        try:
            code = normalise_tracking_code((request.POST.get("code") or "")[:30])
        except ValidationError:
            return redirect("gov_services:track")
        last4 = _tracked_last4(request, code)
        back = f"{reverse('gov_services:track')}?code={format_tracking_code(code)}"
        if last4 is None:
            messages.info(request, _("Please enter the tracking code and the four digits again, then rate."))
            return redirect(back)
        form = RatingForm(request.POST, prefix="rerate")
        if form.is_valid():
            try:
                service_request_rerate_by_tracking(tracking_code=code, phone_last4=last4,
                                                   score=form.cleaned_data["score"],
                                                   comment=form.cleaned_data["comment"])
            except ValidationError as error:
                if getattr(error, "code", None) not in RERATE_REFUSALS:
                    raise
                messages.info(request, " ".join(error.messages))
                return redirect(back)
            messages.success(request, _("Thank you for rating again."))
            return redirect(back)
        service_request = track_request(tracking_code=code, phone_last4=last4)
        return ServiceRequestTrackView(request=request).render(
            TrackForm(initial={"code": format_tracking_code(code)}), summary=request_summary(service_request),
            rerate_form=form)
