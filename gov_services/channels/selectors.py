"""Reads for channels: the webhook outbox an admin may see (their region's deliveries), one delivery."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gov_services.channels.models import WebhookDelivery
from stations.scope import get_in_scope, require, scope_for


def can_manage_webhooks(*, user) -> bool:
    """Township and county admins see the deliveries about places in their region and replay them."""
    return scope_for(user).is_county_staff


def webhook_outbox_in_scope(*, user) -> QuerySet[WebhookDelivery]:
    require(can_manage_webhooks(user=user), _("The webhook outbox is for township and county admins."))
    return (scope_for(user).filter(WebhookDelivery.objects.all(), place="region_path")
            .select_related("channel", "request").prefetch_related("log"))


def access_webhook_delivery_by_id(*, user, delivery_id: int) -> WebhookDelivery:
    """403 for anyone but admins; 404 for another region's delivery, as for a missing one."""
    return get_in_scope(webhook_outbox_in_scope(user=user), pk=delivery_id)
