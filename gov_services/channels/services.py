"""Writes for channels: make a channel and its keys, link the requests it files, queue a webhook for each
status change of those requests, try a delivery, replay one. Keyword-only; one transaction each; an
audit event for every change an admin makes; Celery only after commit."""

import json
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiKey, User
from accounts.services import api_key_create
from core.audit import audit_event_record
from core.handoff import hand_off
from gov_services.channels import signing, transport
from gov_services.channels.models import (
    Channel,
    ChannelKey,
    ChannelRequest,
    WebhookAttempt,
    WebhookDelivery,
    WeChatAccount,
)
from gov_services.models import RequestEvent, ServiceRequest
from gov_services.open311.statuses import open311_status
from stations.models import Region
from stations.scope import scope_for

EVENT_STATUS_CHANGED = "request.status_changed"
LEASE = timedelta(seconds=60)  # a sender holds a delivery at most this long (above the HTTP timeouts)


def _require_county_admin_of(actor: User | None, county: Region) -> None:
    if actor is None:  # a management command or the demo seeder
        return
    if not scope_for(actor).covers(county.path, county_only=True):
        raise PermissionDenied(_("Only the county's administrators manage its channels."))


@transaction.atomic
def channel_create(*, actor: User | None, name: str, code: str, jurisdiction: Region,
                   intake_channel: str = ServiceRequest.Channel.API, rate_limit: str = "60/m",
                   webhook_url: str = "") -> Channel:
    if jurisdiction.level != Region.Level.COUNTY:
        raise ValidationError({"jurisdiction": _("A channel serves one county.")})
    _require_county_admin_of(actor, jurisdiction)
    channel = Channel(name=name, code=code, jurisdiction=jurisdiction, intake_channel=intake_channel,
                      rate_limit=rate_limit, webhook_url=webhook_url)
    channel.full_clean()
    channel.save()
    audit_event_record(actor=actor, action="channel.create", target=channel,
                       data={"county": jurisdiction.code, "webhook_url": webhook_url})
    return channel


@transaction.atomic
def channel_key_issue(*, actor: User | None, channel: Channel, user: User) -> tuple[ApiKey, str]:
    """A new API key for `channel`, acting as `user` (whose role and region still decide what it may file
    and see). Returns the row and the key, shown this once."""
    _require_county_admin_of(actor, channel.jurisdiction)
    token, raw = api_key_create(user=user, name=f"{channel.name}"[:80], actor=actor)
    ChannelKey.objects.create(api_key=token, channel=channel)
    audit_event_record(actor=actor, action="channel.key_issue", target=channel, data={"key": token.prefix})
    return token, raw


def channel_request_link(*, channel: Channel, request: ServiceRequest, media_url: str = "") -> ChannelRequest:
    """Record that `channel` filed `request` (inside the filing's transaction)."""
    link, _created = ChannelRequest.objects.get_or_create(request=request,
                                                          defaults={"channel": channel, "media_url": media_url})
    return link


# --- the outgoing webhook -------------------------------------------------------------------------------------

def status_change_payload(*, request: ServiceRequest, event: RequestEvent, jurisdiction: Region) -> dict:
    return {
        "event": EVENT_STATUS_CHANGED,
        "jurisdiction_id": jurisdiction.code,
        "service_request_id": request.tracking_code,
        "status": open311_status(event.to_status),
        "detailed_status": event.to_status,
        "previous_detailed_status": event.from_status,
        "status_notes": "" if event.internal else event.note,
        "changed_at": (event.at or timezone.now()).isoformat(),
    }


def webhook_status_change_enqueue(*, request: ServiceRequest, event: RequestEvent) -> WebhookDelivery | None:
    """Called by every status move, inside its transaction: if a channel with a webhook filed `request`,
    queue the change in its outbox; Celery sends it once the move commits. Nothing otherwise."""
    if event.from_status == event.to_status:
        return None
    link = ChannelRequest.objects.select_related("channel__jurisdiction").filter(request=request).first()
    if link is None or not link.channel.webhook_url or not link.channel.is_active:
        return None
    delivery, created = WebhookDelivery.objects.get_or_create(
        channel=link.channel, event_id=event.pk,
        defaults={"request": request, "region_path": request.place_path,
                  "payload": status_change_payload(request=request, event=event,
                                                   jurisdiction=link.channel.jurisdiction)})
    if created:
        transaction.on_commit(lambda: _dispatch(delivery.pk))
    return delivery


def webhook_status_changes_enqueue(*, events: list[RequestEvent]) -> int:
    """The same for a batch of moves (the supervision sweep's automatic closes)."""
    request_ids = ChannelRequest.objects.filter(request_id__in=[e.request_id for e in events],
                                                channel__is_active=True).exclude(channel__webhook_url="")
    linked = set(request_ids.values_list("request_id", flat=True))
    queued = 0
    for event in events:
        if event.request_id in linked:
            request = ServiceRequest.objects.select_related("village", "station__village",
                                                            "department__region").get(pk=event.request_id)
            queued += webhook_status_change_enqueue(request=request, event=event) is not None
    return queued


def _dispatch(delivery_id: int, replayed_by: int | None = None) -> None:
    from gov_services.channels.tasks import webhook_deliver

    # Broker down: the delivery stays pending for tasks.webhook_deliveries_redispatch_stale (or a replay).
    hand_off(webhook_deliver, args=(delivery_id, replayed_by), what=f"webhook delivery {delivery_id}")


def webhook_delivery_attempt(*, delivery_id: int, last_attempt: bool, replayed_by: int | None = None) -> bool:
    """Send one delivery once; log the attempt. True when the receiver took it (2xx), or when there is
    nothing to send (already delivered, or another worker holds it). False: worth trying again — on the
    last attempt the row is marked failed, for an admin to replay."""
    now = timezone.now()
    claimed = (WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
               .exclude(locked_until__gt=now).update(locked_until=now + LEASE))
    if not claimed:
        return True
    delivery = WebhookDelivery.objects.select_related("channel").get(pk=delivery_id)
    channel = delivery.channel
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = int(timezone.now().timestamp())
    outcome = transport.post(url=channel.webhook_url, body=body, headers={
        "Content-Type": "application/json; charset=utf-8",
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.signature(secret=channel.webhook_secret, timestamp=timestamp, body=body),
        signing.DELIVERY_HEADER: str(delivery.pk),
        signing.EVENT_HEADER: delivery.payload.get("event", EVENT_STATUS_CHANGED),
    })
    with transaction.atomic():
        WebhookAttempt.objects.create(delivery=delivery, status_code=outcome.status_code, error=outcome.error,
                                      duration_ms=outcome.duration_ms, replayed_by_id=replayed_by)
        fields = {"attempts": delivery.attempts + 1, "locked_until": None, "last_error": outcome.error}
        if outcome.ok:
            fields |= {"status": WebhookDelivery.Status.DELIVERED, "delivered_at": timezone.now()}
        elif last_attempt:
            fields |= {"status": WebhookDelivery.Status.FAILED}
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return outcome.ok


@transaction.atomic
def webhook_delivery_replay(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (a failed one, or a delivered one the receiver lost): back to waiting, then
    Celery sends it with the same delivery id, so a receiver that has it already can ignore it."""
    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status == WebhookDelivery.Status.PENDING:
        raise ValidationError(_("This delivery is still being tried; wait for it to be delivered or to fail."))
    previous = locked.status
    WebhookDelivery.objects.filter(pk=locked.pk).update(status=WebhookDelivery.Status.PENDING, locked_until=None)
    audit_event_record(actor=actor, action="webhook.replay", target=locked, data={"was": previous})
    transaction.on_commit(lambda: _dispatch(locked.pk, actor.pk))
    locked.refresh_from_db()
    return locked


def webhook_deliveries_redispatch(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Hand Celery again the deliveries never tried whose first hand-off was lost (the broker was down when
    the move committed). Those being retried have attempts and wait for their back-off."""
    stale = (WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, attempts=0,
                                            created_at__lt=timezone.now() - older_than)
             .exclude(locked_until__gt=timezone.now()).values_list("pk", flat=True)[:500])
    count = 0
    for delivery_id in stale:
        _dispatch(delivery_id)
        count += 1
    return count


# --- the county's own screens (/county/channels/) ------------------------------------------------------------

CHANNEL_EDITABLE = ("name", "rate_limit", "webhook_url", "is_active")


@transaction.atomic
def channel_update(*, actor: User, channel: Channel, **fields) -> Channel:
    """Change what a county admin may change of a channel (its code and county stay)."""
    _require_county_admin_of(actor, channel.jurisdiction)
    unknown = set(fields) - set(CHANNEL_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Channel.objects.select_for_update().get(pk=channel.pk)
    before = {name: getattr(locked, name) for name in fields}
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save(update_fields=[*fields])
    changed = {name: [before[name], value] for name, value in fields.items() if before[name] != value}
    if changed:
        audit_event_record(actor=actor, action="channel.update", target=locked, data=changed)
    return locked


@transaction.atomic
def channel_webhook_secret_rotate(*, actor: User, channel: Channel) -> Channel:
    """A new webhook secret: the receiving system must be given it; deliveries from now on use it."""
    from gov_services.channels.models import new_webhook_secret

    _require_county_admin_of(actor, channel.jurisdiction)
    Channel.objects.filter(pk=channel.pk).update(webhook_secret=new_webhook_secret())
    audit_event_record(actor=actor, action="channel.webhook_secret_rotate", target=channel, data={})
    channel.refresh_from_db()
    return channel


@transaction.atomic
def channel_key_revoke(*, actor: User, channel: Channel, key: ChannelKey) -> None:
    from accounts.services import api_key_revoke

    _require_county_admin_of(actor, channel.jurisdiction)
    if key.channel_id != channel.pk:
        raise PermissionDenied(_("This key belongs to another channel."))
    api_key_revoke(token=key.api_key, actor=actor)


@transaction.atomic
def wechat_account_save(*, actor: User, channel: Channel, app_id: str, token: str, encoding_aes_key: str,
                        app_secret: str, acting_user: User) -> "WeChatAccount":
    """Connect a WeChat channel to its official account (or change the connection). An empty AppSecret
    keeps the one stored (it is never shown again)."""
    from gov_services.channels.selectors import channel_actors

    _require_county_admin_of(actor, channel.jurisdiction)
    if channel.intake_channel != ServiceRequest.Channel.WECHAT:
        raise ValidationError(_("Only a WeChat channel connects to an official account."))
    if not channel_actors(county=channel.jurisdiction).filter(pk=acting_user.pk).exists():
        raise ValidationError({"acting_user": _("Choose an admin or officer of this county.")})
    account = WeChatAccount.objects.select_for_update().filter(channel=channel).first() or WeChatAccount(
        channel=channel)
    created = account.pk is None
    account.app_id, account.token, account.encoding_aes_key = app_id, token, encoding_aes_key
    account.acting_user = acting_user
    if app_secret:
        account.app_secret = app_secret
    account.full_clean()
    account.save()
    audit_event_record(actor=actor, action="wechat.account_connect" if created else "wechat.account_update",
                       target=channel, data={"app_id": app_id, "safe_mode": bool(encoding_aes_key),
                                             "acting_user": acting_user.pk, "secret_changed": bool(app_secret)})
    return account
