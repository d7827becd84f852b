"""Public tracking (/track/): a request's status for anyone with its tracking code and the last four
digits of the applicant's phone, no sign-in needed; rating and re-rating from there.

Rate-limited per client address; a successful lookup is remembered in the session for a while, so the
page can be reloaded and the digits never enter a URL.
"""

import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django_ratelimit.core import is_ratelimited

from gov_services.identifiers import format_tracking_code, normalise_tracking_code
from gov_services.requests.forms_resident import RatingForm, TrackForm
from gov_services.requests.selectors.requests import track_request
from gov_services.requests.services import (
    service_request_rate_by_tracking,
    service_request_rerate_by_tracking,
)
from gov_services.requests.views_resident_common import (
    RERATE_REFUSALS,
    error_summary,
    rating_message,
    request_summary,
)

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


class _TrackedRatingView(View):
    """A rating posted from the tracking page. The proof is the one the lookup left in the session (code +
    last four digits), so only someone who just tracked the request can rate it."""

    prefix = ""  # the form's prefix on the tracking page: "rating" or "rerate"

    def post(self, request):
        try:
            code = normalise_tracking_code((request.POST.get("code") or "")[:30])
        except ValidationError:
            return redirect("gov_services:track")
        last4 = _tracked_last4(request, code)
        back = redirect(f"{reverse('gov_services:track')}?code={format_tracking_code(code)}")
        if last4 is None:
            messages.info(request, _("Please enter the tracking code and the four digits again, then rate."))
            return back
        form = RatingForm(request.POST, prefix=self.prefix)
        if form.is_valid():
            self.save(request, code, last4, form.cleaned_data)
            return back
        service_request = track_request(tracking_code=code, phone_last4=last4)
        return ServiceRequestTrackView(request=request).render(
            TrackForm(initial={"code": format_tracking_code(code)}), summary=request_summary(service_request),
            **{f"{self.prefix}_form": form})

    def save(self, request, code: str, last4: str, data: dict) -> None:
        raise NotImplementedError


class ServiceRequestTrackRateView(_TrackedRatingView):
    """POST /track/rate/: rate from the tracking page."""

    prefix = "rating"

    def save(self, request, code: str, last4: str, data: dict) -> None:
        try:
            service_request_rate_by_tracking(tracking_code=code, phone_last4=last4, score=data["score"],
                                             comment=data["comment"], officer_score=data.get("officer_score"))
        except ValidationError as error:
            if getattr(error, "code", None) != "illegal_transition":
                raise
            messages.info(request, _("This request has already been rated. Each request is rated once."))
            return
        messages.success(request, rating_message(data["score"]))


class ServiceRequestTrackRerateView(_TrackedRatingView):
    """POST /track/rerate/: re-rate from the tracking page."""

    prefix = "rerate"

    def save(self, request, code: str, last4: str, data: dict) -> None:
        try:
            service_request_rerate_by_tracking(tracking_code=code, phone_last4=last4, score=data["score"],
                                               comment=data["comment"])
        except ValidationError as error:
            if getattr(error, "code", None) not in RERATE_REFUSALS:
                raise
            messages.info(request, " ".join(error.messages))
            return
        messages.success(request, _("Thank you for rating again."))
