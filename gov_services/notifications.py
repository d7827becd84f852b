"""Text messages about service requests, to residents and to staff.

Each message is a template rendered in the recipient's language (zh-hans unless told otherwise: the
data model keeps no language preference per person, and the county's residents read Chinese) and
handed to core.sms.sms_enqueue as a purpose and its parameters (each purpose is declared below: its
wording here is the built-in template and the zh-hans preview; a county's approved gateway template,
set up on /county/sms/templates/, is what a real gateway sends), which writes the outbox row in the
caller's transaction and sends after commit. So a service calls these inside its transaction: a rolled-back move leaves no message,
a committed one always has its row. Nothing here raises into the caller: a message that cannot be
rendered is logged and skipped, never a reason to lose a resident's request.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, override

from core.models import SmsOutboxMessage, SmsTemplate
from core.sms import (
    SmsPurpose,
    sms_enqueue,
    sms_gateway_is_real,
    sms_purpose_register,
    sms_purposes,
    sms_render,
)
from core.sms import purpose_label as sms_purpose_label
from gov_services.identifiers import format_tracking_code
from gov_services.models import RequestFollower, ServiceRequest
from stations.models import Region
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
FOLLOWED_STATUS = "report_status"  # to the followers of a resident's report (gov_services/requests/services/reports.py)

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


# The parameters of each purpose: what its template's variables are called.
PARAMS = {
    SUBMITTED: ("code", "service", "link"),
    RETURNED: ("code", "service", "note"),
    COMPLETED: ("code", "service", "link"),
    ASSIGNED: ("code", "service", "due"),
    CARD_YELLOW: ("code", "service", "due"),
    CARD_RED: ("code", "service", "due"),
    ESCALATION: ("code", "service", "step"),
}
CERTIFICATE_MAILED = "certificate_mailed"
CERTIFICATE_MAILED_TEMPLATE = _("Your %(certificate)s (No. %(serial)s) has been mailed; tracking number %(tracking)s.")
DIGEST_TEMPLATE = _("Supervision: you have %(items)s. Please deal with them: %(link)s")

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
    CERTIFICATE_MAILED: _("Certificate mailed (resident)"),
}
for _purpose, _params in PARAMS.items():
    sms_purpose_register(SmsPurpose(_purpose, PURPOSE_LABELS[_purpose], TEMPLATES[_purpose], _params))
sms_purpose_register(SmsPurpose(DIGEST, PURPOSE_LABELS[DIGEST], DIGEST_TEMPLATE, ("items", "link")))
sms_purpose_register(SmsPurpose(FOLLOWED_STATUS, PURPOSE_LABELS[FOLLOWED_STATUS], FOLLOWED_STATUS_TEMPLATE,
                                ("service", "place", "status", "link")))
sms_purpose_register(SmsPurpose(CERTIFICATE_MAILED, PURPOSE_LABELS[CERTIFICATE_MAILED], CERTIFICATE_MAILED_TEMPLATE,
                                ("certificate", "serial", "tracking")))


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


def message_params(purpose: str, service_request: ServiceRequest, *, language: str = DEFAULT_LANGUAGE,
                   note: str = "", step: str = "") -> dict[str, str]:
    """The parameters of one message about a request, their words in `language`."""
    with override(language):
        values = {
            "code": format_tracking_code(service_request.tracking_code),
            "service": _service_label(service_request),
            "link": track_url(service_request),
            "note": _shorten(note, NOTE_LENGTH),
            "step": _shorten(str(step), NOTE_LENGTH),
            "due": _due(purpose, service_request),
        }
    return {name: str(values[name]) for name in PARAMS[purpose]}


def render_message(purpose: str, service_request: ServiceRequest, *, language: str = DEFAULT_LANGUAGE,
                   note: str = "", step: str = "") -> str:
    """The text of one message with the built-in template, in `language`."""
    params = message_params(purpose, service_request, language=language, note=note, step=step)
    return sms_render(purpose=purpose, params=params, language=language)


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


def digest_params(counts: dict[str, int], *, language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The parameters of the sweep's one text to a person about several requests: how many got a yellow
    card, a red card, an escalation (`counts` by purpose: CARD_YELLOW, CARD_RED, ESCALATION), and where
    to see them."""
    counts = {purpose: n for purpose, n in counts.items() if n}
    with override(language):
        parts = [_digest_part(purpose, counts[purpose]) for purpose in (CARD_YELLOW, CARD_RED, ESCALATION)
                 if purpose in counts]
        return {"items": str(_(", ")).join(parts), "link": digest_url(counts)}


def render_digest(counts: dict[str, int], *, language: str = DEFAULT_LANGUAGE) -> str:
    """The digest's text with the built-in template, in `language`."""
    return sms_render(purpose=DIGEST, params=digest_params(counts, language=language), language=language)


def _send(purpose: str, service_request: ServiceRequest, phones: Iterable[str], *,
          language: str = DEFAULT_LANGUAGE, note: str = "", step: str = "") -> None:
    try:
        params = message_params(purpose, service_request, language=language, note=note, step=step)
    except Exception:  # a broken template must not cost the resident their request
        logger.exception("SMS %s for request %s could not be rendered", purpose, service_request.pk)
        return
    for phone in dict.fromkeys(p for p in phones if p):  # each number once, in order
        sms_enqueue(phone=phone, purpose=purpose, params=params, reference=service_request.tracking_code,
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
            params = {"service": _shorten(_service_label(service_request), 20), "place": place,
                      "status": str(ServiceRequest.Status(to_status).label), "link": report_url(service_request)}
    except Exception:  # a broken template must not cost the department its move
        logger.exception("SMS %s for request %s could not be rendered", FOLLOWED_STATUS, service_request.pk)
        return
    for phone in dict.fromkeys(phones):
        sms_enqueue(phone=phone, purpose=FOLLOWED_STATUS, params=params, reference=service_request.tracking_code,
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


# --- who may see the outbox and set up the templates ------------------------------------------------


def purpose_label(purpose: str) -> str:
    return sms_purpose_label(purpose)


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


# --- the counties' SMS templates (/county/sms/templates/) ------------------------------------------------


def can_set_up_sms_templates(*, user) -> bool:
    """County admins record the templates their county had approved; the superuser also the platform's."""
    return scope_for(user).is_county_admin


def sms_template_counties(*, user) -> QuerySet:
    """The counties whose templates the user sets up (a county admin's own; every county for a superuser)."""
    require(can_set_up_sms_templates(user=user), _("Only county admins set up the text-message templates."))
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("path")
    return scope_for(user).filter(counties, place="path", county_only=True)


def access_sms_template_county_by_id(*, user, region_id: int) -> Region | None:
    """The county (None: the platform-wide templates, region 0, the superuser's) whose templates are set
    up; 403 for anyone but county admins, 404 for another county's, as for a missing one."""
    if region_id == 0:
        require(scope_for(user).everything, _("Only the platform's administrator sets up platform-wide templates."))
        return None
    return get_in_scope(sms_template_counties(user=user), pk=region_id)


@dataclass(frozen=True)
class SmsTemplateRow:
    purpose: SmsPurpose
    own: SmsTemplate | None  # the region's own template
    inherited: SmsTemplate | None  # the platform-wide one that applies without it
    missing: bool  # with a real gateway, nothing approved applies: the purpose cannot be sent

    @property
    def label(self) -> str:
        return str(self.purpose.label)

    @property
    def wording(self) -> str:
        template = self.own if self.own is not None and self.own.approved else self.inherited
        if template is not None and template.content:
            return template.content
        return sms_render(purpose=self.purpose.key, params={name: f"${{{name}}}" for name in self.purpose.params})


def sms_template_table(*, region: Region | None) -> list[SmsTemplateRow]:
    """Every purpose with the template the region has, or inherits, or lacks (two queries)."""
    path = region.path if region is not None else ""
    rows = {(t.region_path, t.purpose): t for t in SmsTemplate.objects.filter(region_path__in={path, ""})}
    real = sms_gateway_is_real()
    table = []
    for purpose in sms_purposes():
        if region is not None and not purpose.county:
            continue  # the phone codes: platform-wide only
        own = rows.get((path, purpose.key))
        inherited = rows.get(("", purpose.key)) if path else None
        inherited = inherited if inherited is not None and inherited.approved else None
        approved = (own is not None and own.approved) or inherited is not None
        table.append(SmsTemplateRow(purpose, own, inherited, missing=real and not approved))
    return table
