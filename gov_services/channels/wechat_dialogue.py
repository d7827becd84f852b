"""A resident reports a problem by writing to the county's WeChat official account.

The account asks for what is still missing, one thing at a time: what is wrong (any text), what kind
of problem (a number), where (WeChat's "Location" message; the nearest village of the county is
chosen), photos (optional, up to three), then a mobile number — and files the report through the same
service as the website's report form's intake (gov_services.requests.services.service_request_submit:
routing, the clock, cards, rating). The reply carries the tracking code; 查询 lists the resident's
reports with their status; 取消 starts again.

One push is handled once (WeChatInbound, by MsgId): WeChat pushes again when we are slow, and the
second push gets the first answer."""

import logging
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from wechatpy.messages import BaseMessage

from core.audit import audit_event_record
from gov_services.channels import wechat_media
from gov_services.channels.models import WeChatAccount, WeChatConversation, WeChatDraftPhoto, WeChatInbound
from gov_services.channels.services import channel_request_link
from gov_services.identifiers import format_tracking_code
from gov_services.models import ServiceRequest
from gov_services.requests.services.intake import service_request_submit
from gov_services.requests.services.reports import MAX_PHOTOS, MAX_TEXT, nearest_village, photos_prepare

logger = logging.getLogger(__name__)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
QUERY_WORDS = frozenset({"查询", "进度", "查进度", "我的", "cx"})
CANCEL_WORDS = frozenset({"取消", "重来", "重新开始", "qx"})
HELP_WORDS = frozenset({"帮助", "?", "？", "help", "你好", "您好"})
CATEGORIES = list(ServiceRequest.AppealCategory)
LISTED = 5  # reports listed by 查询
WECHAT_ID = uuid.UUID("6f1c6a2e-7c51-4d0e-9b3a-1f6e0a0c5e11")  # namespace of the reports' idempotency keys


def push_handle(*, account: WeChatAccount, message: BaseMessage) -> str:
    """The reply text to one push (the first answer again for a push seen before)."""
    key = str(message.id or f"{message.source}:{message.time}:{getattr(message, 'event', '')}")[:100]
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = WeChatInbound.objects.create(account=account, msg_key=key, openid=message.source[:64],
                                                       msg_type=str(message.type)[:20])
        except IntegrityError:  # WeChat's retry of a push already answered (it waited for the first to commit)
            return WeChatInbound.objects.get(account=account, msg_key=key).reply
        reply = _answer(account=account, message=message, inbound=inbound)
        WeChatInbound.objects.filter(pk=inbound.pk).update(reply=reply, request=inbound.request)
        return reply


def _answer(*, account: WeChatAccount, message: BaseMessage, inbound: WeChatInbound) -> str:
    kind = message.type
    if kind == "event":
        return _help() if getattr(message, "event", "") == "subscribe" else ""
    conversation, _created = WeChatConversation.objects.select_for_update().get_or_create(
        account=account, openid=message.source[:64])
    if kind == "text":
        return _text(account=account, conversation=conversation, text=(message.content or "").strip(),
                     inbound=inbound)
    if kind == "location":
        return _location(account=account, conversation=conversation, message=message)
    if kind == "image":
        return _photo(account=account, conversation=conversation, message=message)
    return _("Only words, a place and photos can be read here. %(next)s") % {"next": _next_step(conversation)}


# --- what each kind of message does ----------------------------------------------------------------------

def _text(*, account, conversation: WeChatConversation, text: str, inbound: WeChatInbound) -> str:
    word = text.lower()
    if word in HELP_WORDS:
        return _help()
    if word in QUERY_WORDS:
        return _my_reports(account=account, openid=conversation.openid)
    if word in CANCEL_WORDS:
        _start_again(conversation)
        return _("Cancelled. Describe a problem to start again.")
    if conversation.description and not conversation.category and text.isdigit():
        return _choose_category(conversation, int(text))
    if conversation.description and MOBILE.match(text):
        conversation.phone = text
        conversation.save(update_fields=["phone", "updated_at"])
        return _file_when_complete(account=account, conversation=conversation, inbound=inbound)
    if not text:
        return _next_step(conversation)
    joined = f"{conversation.description}\n{text}" if conversation.description else text
    conversation.description = joined[:MAX_TEXT]
    conversation.save(update_fields=["description", "updated_at"])
    return _("Noted: “%(text)s”. %(next)s") % {"text": text[:60], "next": _next_step(conversation)}


def _choose_category(conversation: WeChatConversation, number: int) -> str:
    if not 1 <= number <= len(CATEGORIES):
        return _category_question()
    conversation.category = CATEGORIES[number - 1].value
    conversation.save(update_fields=["category", "updated_at"])
    return _("Kind: %(kind)s. %(next)s") % {"kind": CATEGORIES[number - 1].label, "next": _next_step(conversation)}


def _location(*, account, conversation: WeChatConversation, message) -> str:
    try:
        latitude = Decimal(str(message.location_x)).quantize(Decimal("0.000001"))
        longitude = Decimal(str(message.location_y)).quantize(Decimal("0.000001"))
    except (InvalidOperation, TypeError):
        return _("That place could not be read. Send it again: tap + and choose Location.")
    village = nearest_village(latitude=latitude, longitude=longitude)
    county = account.channel.jurisdiction
    if village is None or not village.path.startswith(county.path):
        return _("That place is not in %(county)s. Send a place in the county: tap + and choose Location.") % {
            "county": county.name}
    conversation.latitude, conversation.longitude = latitude, longitude
    conversation.place = (message.label or village.name)[:200]
    conversation.save(update_fields=["latitude", "longitude", "place", "updated_at"])
    return _("Place: %(place)s (near %(village)s). %(next)s") % {
        "place": conversation.place, "village": village.name, "next": _next_step(conversation)}


def _photo(*, account, conversation: WeChatConversation, message) -> str:
    if conversation.photos.count() >= MAX_PHOTOS:
        return _("%(max)d photos are kept already. %(next)s") % {"max": MAX_PHOTOS, "next": _next_step(conversation)}
    try:
        content = wechat_media.photo_fetch(account=account, media_id=message.media_id, url=message.image)
    except wechat_media.MediaUnavailable:
        return _("The photo could not be fetched from WeChat. Send it again.")
    prepared, problems = photos_prepare([SimpleUploadedFile("wechat.jpg", content)])
    if problems:
        return problems[0]
    WeChatDraftPhoto.objects.create(conversation=conversation, content=prepared[0].content)
    return _("Photo %(n)d of %(max)d kept. %(next)s") % {
        "n": conversation.photos.count(), "max": MAX_PHOTOS, "next": _next_step(conversation)}


# --- filing ------------------------------------------------------------------------------------------------

def _file_when_complete(*, account, conversation: WeChatConversation, inbound: WeChatInbound) -> str:
    missing = _next_step(conversation)
    if not _is_complete(conversation):
        return missing
    village = nearest_village(latitude=conversation.latitude, longitude=conversation.longitude)
    photos = [SimpleUploadedFile(f"photo-{n}.jpg", bytes(p.content), content_type="image/jpeg")
              for n, p in enumerate(conversation.photos.order_by("pk"), start=1)]
    try:
        with transaction.atomic():
            request = service_request_submit(
                actor=account.acting_user, idempotency_key=uuid.uuid5(WECHAT_ID, f"{account.pk}:{inbound.msg_key}"),
                kind=ServiceRequest.Kind.APPEAL, appeal_category=conversation.category,
                subject=conversation.description.splitlines()[0][:120], description=conversation.description,
                place=conversation.place, applicant_name=_("WeChat user %(tail)s") % {
                    "tail": conversation.openid[-4:]},
                applicant_id_number="", applicant_phone=conversation.phone, consent=ServiceRequest.Consent.SELF,
                channel=account.channel.intake_channel, village=village, form_data={}, attachments=photos,
                latitude=conversation.latitude, longitude=conversation.longitude, self_reported=True)
            channel_request_link(channel=account.channel, request=request)
    except (ValidationError, PermissionDenied) as error:
        logger.warning("WeChat report of account %s refused: %s", account.pk, error)
        messages = getattr(error, "messages", None) or [str(error)]
        return _("The report could not be filed: %(why)s") % {"why": messages[0]}
    inbound.request = request
    audit_event_record(actor=account.acting_user, action="wechat.report_filed", target=request,
                       data={"account": account.app_id, "photos": len(photos)})
    _start_again(conversation)
    return _("Filed. Tracking code %(code)s, status: %(status)s. The department will contact you at %(phone)s. "
             "Reply 查询 to see its progress.") % {
        "code": format_tracking_code(request.tracking_code), "status": request.get_status_display(),
        "phone": request.applicant_phone}


def _start_again(conversation: WeChatConversation) -> None:
    conversation.photos.all().delete()
    conversation.description = conversation.category = conversation.place = conversation.phone = ""
    conversation.latitude = conversation.longitude = None
    conversation.save()


def _is_complete(conversation: WeChatConversation) -> bool:
    return bool(conversation.description and conversation.category and conversation.latitude is not None
                and conversation.phone)


def _next_step(conversation: WeChatConversation) -> str:
    if not conversation.description:
        return _("Describe the problem in a message.")
    if not conversation.category:
        return _category_question()
    if conversation.latitude is None:
        return _("Now send the place: tap + and choose Location.")
    if not conversation.phone:
        return _("Send up to %(max)d photos if you have them, then your mobile number to file the report "
                 "(the department calls you; it is never shown publicly).") % {"max": MAX_PHOTOS}
    return ""


def _category_question() -> str:
    kinds = " ".join(f"{n} {c.label}" for n, c in enumerate(CATEGORIES, start=1))
    return _("What kind of problem is it? Reply with its number: %(kinds)s") % {"kinds": kinds}


def _help() -> str:
    return _("Report a problem in your village here: describe it in a message, then send the place "
             "(+ → Location) and photos. Reply 查询 to see your reports, 取消 to start again.")


def _my_reports(*, account, openid: str) -> str:
    filed = (WeChatInbound.objects.filter(account=account, openid=openid, request__isnull=False)
             .select_related("request").order_by("-received_at")[:LISTED])
    lines = [f"{format_tracking_code(row.request.tracking_code)} {row.request.subject[:20]}："
             f"{row.request.get_status_display()}"
             for row in filed]
    if not lines:
        return _("You have no reports yet. %(help)s") % {"help": _help()}
    return _("Your reports:") + "\n" + "\n".join(lines)
