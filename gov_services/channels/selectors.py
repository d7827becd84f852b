"""Reads for channels: the webhook outbox an admin may see (their region's deliveries), one delivery; the
county's channels a county admin sets up, and whom a channel may file as."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.roles import Role
from gov_services.channels.models import Channel, WebhookDelivery
from stations.models import Region
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


def can_manage_channels(*, user) -> bool:
    """A county's channels (their keys, webhooks, WeChat account) are set up by its county admins."""
    return scope_for(user).is_county_admin


def channels_in_scope(*, user) -> QuerySet[Channel]:
    require(can_manage_channels(user=user), _("Channels are set up by the county's administrators."))
    scope = scope_for(user)
    channels = Channel.objects.select_related("jurisdiction", "wechat").order_by("name")
    if scope.everything:
        return channels
    mine = Q(pk__in=[])
    for post in scope.regions:
        if post.role == Role.COUNTY_ADMIN:
            mine |= Q(jurisdiction__path__startswith=post.path)
    return channels.filter(mine)


def access_channel_by_id(*, user, channel_id: int) -> Channel:
    return get_in_scope(channels_in_scope(user=user), pk=channel_id)


def channel_actors(*, county: Region) -> QuerySet:
    """Whom a channel may file as: the county's admins and the officers of its departments, now."""
    from accounts.models import User
    from gov_services.models import DepartmentMembership
    from stations.models import StaffAssignment

    admins = StaffAssignment.objects.active().filter(region__path__startswith=county.path).values("user_id")
    officers = (DepartmentMembership.objects.filter(ended_on__isnull=True,
                                                    department__region__path__startswith=county.path)
                .values("user_id"))
    return (User.objects.filter(is_active=True).filter(Q(pk__in=admins) | Q(pk__in=officers))
            .order_by("username"))
