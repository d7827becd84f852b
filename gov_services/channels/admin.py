"""The Django admin for channels (the system administrator's tool): channels, the keys scoped to them, and
the webhook outbox with a replay action. County admins use /county/webhooks/ for their region."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gov_services.channels.models import Channel, ChannelKey, WebhookAttempt, WebhookDelivery
from gov_services.channels.services import webhook_delivery_replay


class ChannelKeyInline(admin.TabularInline):
    model = ChannelKey
    extra = 0
    raw_id_fields = ["api_key"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "jurisdiction", "intake_channel", "rate_limit", "webhook_url", "is_active"]
    list_filter = ["intake_channel", "is_active"]
    raw_id_fields = ["jurisdiction"]
    inlines = [ChannelKeyInline]


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "status_code", "error", "duration_ms", "replayed_by"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "request", "status", "attempts", "delivered_at"]
    list_filter = ["status", "channel"]
    readonly_fields = ["channel", "request", "event_id", "payload", "region_path", "status", "attempts", "last_error",
                       "created_at", "delivered_at", "locked_until"]
    inlines = [WebhookAttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected deliveries again"))
    def replay(self, request, queryset):
        sent = 0
        for delivery in queryset:
            try:
                webhook_delivery_replay(actor=request.user, delivery=delivery)
                sent += 1
            except ValidationError as error:
                self.message_user(request, f"{delivery.pk}: {error.messages[0]}", messages.WARNING)
        self.message_user(request, _("%(count)d deliveries are being sent again.") % {"count": sent})
