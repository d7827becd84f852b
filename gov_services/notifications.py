"""Text messages about service requests, to residents and to staff.

Each message is a template rendered in the recipient's language (zh-hans unless told otherwise: the
data model keeps no language preference per person, and the county's residents read Chinese) and
handed to core.sms.sms_enqueue, which writes the outbox row in the caller's transaction and sends
after commit. So a service calls these inside its transaction: a rolled-back move leaves no message,
a committed one always has its row. Nothing here raises into the caller: a message that cannot be
rendered is logged and skipped, never a reason to lose a resident's request.
"""

import logging
from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, override

from core.models import SmsOutboxMessage
from core.sms import sms_enqueue
from gov_services.identifiers import format_tracking_code
from gov_services.models import RequestFollower, ServiceRequest
from stations.scope import get_in_scope, require, scope_for

logger = logging.getLogger("cunzhan.notifications")

DEFAULT_LANGUAGE = "zh-hans"
NOTE_LENGTH = 60  # a return note is quoted, not copied whole: one SMS is 70 Chinese characters

SUBMITTED = "request_submitted"
RETURNED = "request_returned"
COMPLETED = "request_completed"
ASSIGNED = "request_assigned"
CARD_YELLOW = "card_yellow"
CARD_RED = "card_red"
ESCALATION = "escalation"
DIGEST = "supervision_digest"
FOLLOWED_STATUS = "report_status"  # to the followers of a resident's report (gov_services/services/reports.py)

TEMPLATES = {
    SUBMITTED: _("Your request %(code)s (%(service)s) has been received. Follow its progress at %(link)s"),
    RETURNED: _("Your request %(code)s (%(service)s) needs more material: %(note)s. Please bring it to your "
                "village station or add it online."),
    COMPLETED: _("Your request %(code)s (%(service)s) is complete. Please rate our service at %(link)s"),
    ASSIGNED: _("Request %(code)s (%(service)s) has been assigned to you.%(due)s"),
    CARD_YELLOW: _("Yellow card: request %(code)s (%(service)s) is close to its time limit%(due)s. "
                   "Please finish it in time."),
    CARD_RED: _("Red card: request %(code)s (%(service)s) is overdue%(due)s. Please deal with it at once."),
    ESCALATION: _("Supervision: request %(code)s (%(service)s) has been escalated: %(step)s."),
}
# Followers are not told the tracking code: with the phone's last four digits it opens the request.
FOLLOWED_STATUS_TEMPLATE = _("The problem you follow (%(service)s, %(place)s) is now: %(status)s. See %(link)s")

# Appended to a staff message when the request has a deadline; the leading space/comma is part of it.
DUE_SUFFIXES = {
    ASSIGNED: _(" Due %(due)s."),
    CARD_YELLOW: _(" (due %(due)s)"),
    CARD_RED: _(" (due %(due)s)"),
}


def track_url(service_request: ServiceRequest) -> str:
    """The public tracking page for this request (code filled in), absolute, from SITE_URL."""
    query = urlencode({"code": format_tracking_code(service_request.tracking_code)})
    return f"{settings.SITE_URL.rstrip('/')}{reverse('gov_services:track')}?{query}"


def _service_label(service_request: ServiceRequest) -> str:
    if service_request.item_id:
        return service_request.item.name
    return service_request.subject or str(service_request.get_appeal_category_display())


def _due(purpose: str, service_request: ServiceRequest) -> str:
    if purpose not in DUE_SUFFIXES or service_request.due_at is None:
        return ""
    day = timezone.localtime(service_request.due_at).strftime("%Y-%m-%d")
    return str(DUE_SUFFIXES[purpose]) % {"due": day}


def _shorten(text: str, length: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[: length - 1] + "…"


def render_message(purpose: str, service_request: ServiceRequest, *, language: str = DEFAULT_LANGUAGE,
                   note: str = "", step: str = "") -> str:
    """The text of one message, in `language`."""
    with override(language):
        return str(TEMPLATES[purpose]) % {
            "code": format_tracking_code(service_request.tracking_code),
            "service": _service_label(service_request),
            "link": track_url(service_request),
            "note": _shorten(note, NOTE_LENGTH),
            "step": _shorten(str(step), NOTE_LENGTH),
            "due": _due(purpose, service_request),
        }


# --- the supervision sweep's digest: one text per person per sweep -------------------------------


def _digest_part(purpose: str, count: int) -> str:
    if purpose == CARD_YELLOW:
        return ngettext("%(n)s request close to its time limit (yellow card)",
                        "%(n)s requests close to their time limit (yellow cards)", count) % {"n": count}
    if purpose == CARD_RED:
        return ngettext("%(n)s request overdue (red card)", "%(n)s requests overdue (red cards)", count) % {
            "n": count}
    return ngettext("%(n)s request escalated by supervision", "%(n)s requests escalated by supervision",
                    count) % {"n": count}


def digest_url(counts: dict[str, int]) -> str:
    """The department queue the digest points to: overdue requests when any of its requests is red or
    escalated, else those due soon. Absolute, from SITE_URL."""
    bucket = "due_soon" if set(counts) <= {CARD_YELLOW} else "overdue"
    return f"{settings.SITE_URL.rstrip('/')}{reverse('gov_services:dept-home')}?{urlencode({'bucket': bucket})}"


def render_digest(counts: dict[str, int], *, language: str = DEFAULT_LANGUAGE) -> str:
    """The sweep's one text to a person about several requests: how many got a yellow card, a red card,
    an escalation (`counts` by purpose: CARD_YELLOW, CARD_RED, ESCALATION), and where to see them."""
    counts = {purpose: n for purpose, n in counts.items() if n}
    with override(language):
        parts = [_digest_part(purpose, counts[purpose]) for purpose in (CARD_YELLOW, CARD_RED, ESCALATION)
                 if purpose in counts]
        return str(_("Supervision: you have %(items)s. Please deal with them: %(link)s")) % {
            "items": str(_(", ")).join(parts), "link": digest_url(counts)}


def _send(purpose: str, service_request: ServiceRequest, phones: Iterable[str], *,
          language: str = DEFAULT_LANGUAGE, note: str = "", step: str = "") -> None:
    try:
        text = render_message(purpose, service_request, language=language, note=note, step=step)
    except Exception:  # a broken template must not cost the resident their request
        logger.exception("SMS %s for request %s could not be rendered", purpose, service_request.pk)
        return
    for phone in dict.fromkeys(p for p in phones if p):  # each number once, in order
        sms_enqueue(phone=phone, text=text, purpose=purpose, reference=service_request.tracking_code,
                    region_path=service_request.place_path)


def _staff_phones(recipients) -> list[str]:
    return [user.phone for user in recipients if user is not None and getattr(user, "phone", "")]


# --- to the resident ---------------------------------------------------------------------------


def notify_resident_of_submission(*, service_request: ServiceRequest, language: str = DEFAULT_LANGUAGE) -> None:
    _send(SUBMITTED, service_request, [service_request.applicant_phone], language=language)


def notify_resident_of_return(*, service_request: ServiceRequest, note: str,
                              language: str = DEFAULT_LANGUAGE) -> None:
    _send(RETURNED, service_request, [service_request.applicant_phone], language=language, note=note)


def notify_resident_of_completion(*, service_request: ServiceRequest, language: str = DEFAULT_LANGUAGE) -> None:
    _send(COMPLETED, service_request, [service_request.applicant_phone], language=language)


def report_url(service_request: ServiceRequest) -> str:
    """The public page of a report shown publicly, else the tracking page; absolute, from SITE_URL."""
    if not service_request.is_public:
        return track_url(service_request)
    return f"{settings.SITE_URL.rstrip('/')}{reverse('gov_services:report-detail', args=[service_request.pk])}"


def follower_phone(user) -> str:
    """The number a follower is texted at: the account's phone, else a username that is one."""
    phone = getattr(user, "phone", "") or ""
    if not phone and str(getattr(user, "username", "")).isdigit() and len(user.username) == 11:
        phone = user.username
    return phone


def notify_followers_of_status(*, service_request: ServiceRequest, to_status: str, actor=None,
                               language: str = DEFAULT_LANGUAGE) -> None:
    """Text every follower of the request that it is now `to_status` (one query when nobody follows).

    The reporter is not texted twice: the moves that already text the applicant (returned, completed)
    leave them out here. Whoever made the move is not told of it."""
    followers = list(RequestFollower.objects.filter(request=service_request).select_related("user"))
    if not followers:
        return
    skip = {follower_phone(actor)} if actor is not None else set()
    if to_status in (ServiceRequest.Status.RETURNED, ServiceRequest.Status.COMPLETED):
        skip.add(service_request.applicant_phone)
    phones = [phone for phone in (follower_phone(f.user) for f in followers) if phone and phone not in skip]
    if not phones:
        return
    try:
        with override(language):
            place = service_request.village.name if service_request.village_id else ""
            text = str(FOLLOWED_STATUS_TEMPLATE) % {
                "service": _shorten(_service_label(service_request), 20), "place": place,
                "status": str(ServiceRequest.Status(to_status).label), "link": report_url(service_request)}
    except Exception:  # a broken template must not cost the department its move
        logger.exception("SMS %s for request %s could not be rendered", FOLLOWED_STATUS, service_request.pk)
        return
    for phone in dict.fromkeys(phones):
        sms_enqueue(phone=phone, text=text, purpose=FOLLOWED_STATUS, reference=service_request.tracking_code,
                    region_path=service_request.place_path)


# --- to staff ----------------------------------------------------------------------------------


def notify_staff_of_assignment(*, service_request: ServiceRequest, assignee,
                               language: str = DEFAULT_LANGUAGE) -> None:
    _send(ASSIGNED, service_request, _staff_phones([assignee]), language=language)


def notify_staff_of_card(*, service_request: ServiceRequest, card: str, recipients,
                         language: str = DEFAULT_LANGUAGE) -> None:
    """card is "yellow" or "red"; recipients are users, those with no phone are skipped."""
    purposes = {"yellow": CARD_YELLOW, "red": CARD_RED}
    if card not in purposes:
        raise ValueError(f"card must be 'yellow' or 'red', not {card!r}")
    _send(purposes[card], service_request, _staff_phones(recipients), language=language)


def notify_staff_of_escalation(*, service_request: ServiceRequest, step_label: str, recipients,
                               language: str = DEFAULT_LANGUAGE) -> None:
    """step_label names the escalation step (a lazy translation is rendered in `language`)."""
    _send(ESCALATION, service_request, _staff_phones(recipients), language=language, step=step_label)


# --- who may see the outbox ----------------------------------------------------------------------

PURPOSE_LABELS = {
    SUBMITTED: _("Request received (resident)"),
    RETURNED: _("Returned for supplement (resident)"),
    COMPLETED: _("Request completed (resident)"),
    ASSIGNED: _("Request assigned (staff)"),
    CARD_YELLOW: _("Yellow card (staff)"),
    CARD_RED: _("Red card (staff)"),
    ESCALATION: _("Escalation (staff)"),
    DIGEST: _("Supervision digest (staff)"),
    FOLLOWED_STATUS: _("Status of a followed report (residents)"),
    # Purposes other modules queue (see their sms_enqueue calls).
    "certificate_mailed": _("Certificate mailed (resident)"),
    "pickup_code": _("Pick-up code (store)"),
    "merchant_vetting": _("Merchant application decided (store)"),
}


def purpose_label(purpose: str) -> str:
    return str(PURPOSE_LABELS.get(purpose, purpose))


def can_manage_sms_outbox(*, user) -> bool:
    """Township and county admins see the text messages of their region and send failed ones again;
    a superuser sees every message (also those about no place)."""
    return scope_for(user).is_county_staff


def require_sms_outbox_manager(*, user) -> None:
    require(can_manage_sms_outbox(user=user), _("The text-message outbox is for township and county admins."))


def sms_outbox_in_scope(*, user) -> QuerySet[SmsOutboxMessage]:
    """The outbox rows about a place in the user's region (each row's region_path, stamped when queued)."""
    require_sms_outbox_manager(user=user)
    return scope_for(user).filter(SmsOutboxMessage.objects.all(), place="region_path")


def access_sms_outbox_message_by_id(*, user, message_id: int) -> SmsOutboxMessage:
    """403 for anyone but admins; 404 for a message outside their region, as for a missing one."""
    return get_in_scope(sms_outbox_in_scope(user=user), pk=message_id)
