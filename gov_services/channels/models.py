"""Channels, their keys, the requests each filed, and the outgoing webhook's outbox and delivery log."""

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gov_services.models import ServiceRequest
from stations.models import Region

RATE_PATTERN = r"^\d{1,6}/[smhd]$"
rate_validator = RegexValidator(RATE_PATTERN, _("Write a rate as count/unit, e.g. 60/m (s, m, h or d)."))


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Channel(models.Model):
    """A system that files requests for one county (its jurisdiction) and hears back by webhook."""

    name = models.CharField(_("name"), max_length=80)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    # What its requests are recorded as: they came by phone (12345), WeChat, or another system's API.
    intake_channel = models.CharField(
        _("requests arrive as"), max_length=10, default=ServiceRequest.Channel.API,
        choices=[(c.value, c.label) for c in (ServiceRequest.Channel.API, ServiceRequest.Channel.PHONE,
                                              ServiceRequest.Channel.WECHAT)])
    jurisdiction = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="channels",
                                     limit_choices_to={"level": "county"}, verbose_name=_("county"))
    rate_limit = models.CharField(_("rate limit"), max_length=12, default="60/m", validators=[rate_validator],
                                  help_text=_("Calls per key, e.g. 60/m; over it the caller gets HTTP 429."))
    webhook_url = models.URLField(_("webhook URL"), blank=True,
                                  help_text=_("Status changes of this channel's requests are POSTed here."))
    webhook_secret = models.CharField(_("webhook secret"), max_length=64, default=new_webhook_secret)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChannelKey(models.Model):
    """Scopes an API key (accounts.ApiKey, made and revoked there) to one channel and so to its county."""

    api_key = models.OneToOneField("accounts.ApiKey", on_delete=models.CASCADE, related_name="channel_scope",
                                   verbose_name=_("API key"))
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="keys", verbose_name=_("channel"))

    class Meta:
        verbose_name = _("channel key")
        verbose_name_plural = _("channel keys")

    def __str__(self) -> str:
        return f"{self.channel} · {self.api_key}"


class ChannelRequest(models.Model):
    """A request a channel filed: it may read it back and hears of its status changes."""

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="channel_link")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="requests")
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("request filed by a channel")
        verbose_name_plural = _("requests filed by channels")
        indexes = [models.Index(fields=["channel", "filed_at"], name="gov_chanreq_channel_filed")]

    def __str__(self) -> str:
        return f"{self.channel} · {self.request_id}"


class WebhookDelivery(models.Model):
    """One status change to tell one channel: the outbox row, from queueing until the receiver said 2xx.

    `event_id` is the RequestEvent that changed the status (no foreign key: that table is partitioned
    by month on PostgreSQL); one delivery per channel and event, so a change is never queued twice.
    `region_path` is the request's place, stamped when queued: admins see their region's deliveries."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries",
                                verbose_name=_("channel"))
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("request"))
    event_id = models.BigIntegerField()
    payload = models.JSONField()
    region_path = models.CharField(max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # While one worker is sending it, no other does (a redelivered or replayed task waits its turn).
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["channel", "event_id"], name="gov_webhook_once_per_event")]
        indexes = [models.Index(fields=["status", "created_at"], name="gov_webhook_status_created"),
                   models.Index(fields=["region_path", "created_at"], name="gov_webhook_region_created")]

    def __str__(self) -> str:
        return f"{self.channel} · {self.payload.get('service_request_id', '')} · {self.get_status_display()}"


class WebhookAttempt(models.Model):
    """One try of a delivery: what the receiver answered (or why it could not be reached). Never edited."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    replayed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("replayed by"))

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error[:40]}"


# --- the WeChat official account (公众号) channel ------------------------------------------------------------

class WeChatAccount(models.Model):
    """A county's WeChat official account, set up as its server (服务器配置): WeChat signs every push with
    `token` and, in safe mode (安全模式), encrypts it with `encoding_aes_key`. `app_secret` is only needed
    to fetch a photo's original from WeChat's media API. Reports arrive as `acting_user`, whose posts
    decide which villages they may be filed for (like an Open311 key's user)."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="wechat",
                                   verbose_name=_("channel"))
    app_id = models.CharField(_("AppID"), max_length=32, unique=True,
                              validators=[RegexValidator(r"^wx[0-9a-f]{16}$", _("An AppID is wx and 16 hex digits."))])
    token = models.CharField(_("token"), max_length=32,
                             validators=[RegexValidator(r"^[A-Za-z0-9]{3,32}$",
                                                        _("3 to 32 letters or digits, as WeChat asks."))])
    encoding_aes_key = models.CharField(
        _("EncodingAESKey"), max_length=43, blank=True,
        validators=[RegexValidator(r"^[A-Za-z0-9]{43}$", _("43 letters or digits, as WeChat shows it."))],
        help_text=_("Empty: plain mode (明文模式). Set: safe mode (安全模式), every message encrypted."))
    app_secret = models.CharField(_("AppSecret"), max_length=64, blank=True)
    acting_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("files reports as"))

    class Meta:
        verbose_name = _("WeChat official account")
        verbose_name_plural = _("WeChat official accounts")

    def __str__(self) -> str:
        return f"{self.channel.name} ({self.app_id})"


class WeChatConversation(models.Model):
    """What one WeChat user (by OpenID) has told the account towards their next report; emptied when the
    report is filed or the user cancels. Every reply asks for the next thing still missing."""

    account = models.ForeignKey(WeChatAccount, on_delete=models.CASCADE, related_name="conversations")
    openid = models.CharField(max_length=64)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=15, blank=True, choices=ServiceRequest.AppealCategory.choices)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=11, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "openid"], name="gov_wechat_conversation_once")]

    def __str__(self) -> str:
        return f"{self.account_id} · {self.openid}"


class WeChatDraftPhoto(models.Model):
    """A photo sent towards the next report, already re-drawn (gov_services.requests.services.reports.photos_prepare)."""

    conversation = models.ForeignKey(WeChatConversation, on_delete=models.CASCADE, related_name="photos")
    content = models.BinaryField()
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.conversation_id} · {len(self.content)} bytes"


class WeChatInbound(models.Model):
    """Each message WeChat pushed, once: WeChat pushes again when no answer came within 5 s, so the
    same MsgId gets the first answer again and changes nothing. `request` is set when it filed one."""

    account = models.ForeignKey(WeChatAccount, on_delete=models.CASCADE, related_name="inbound")
    msg_key = models.CharField(max_length=100)  # MsgId, or FromUserName + CreateTime for events
    openid = models.CharField(max_length=64)
    msg_type = models.CharField(max_length=20)
    reply = models.TextField(blank=True)
    request = models.ForeignKey(ServiceRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "msg_key"], name="gov_wechat_inbound_once")]
        indexes = [models.Index(fields=["account", "openid", "received_at"], name="gov_wechat_inbound_user")]

    def __str__(self) -> str:
        return f"{self.account_id} · {self.msg_key}"
