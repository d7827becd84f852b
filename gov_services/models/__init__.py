from gov_services.models.catalogue import Department, DepartmentMembership, RequiredMaterial, ServiceItem
from gov_services.models.certificates import *  # noqa: F403  certificates
from gov_services.models.drafts import ApplicationDraft, DraftScan
from gov_services.models.fees import RequestFee
from gov_services.models.reports import RequestFollower
from gov_services.models.requests import (
    Attachment,
    CalendarDay,
    FollowUp,
    Rating,
    RequestEvent,
    RequestEventSeal,
    RoutingRule,
    ServiceRequest,
)
from gov_services.models.search import SearchSynonym
from gov_services.models.steps import ItemStep, RequestStep, SavedQueueView, StepKind, StepRole
from gov_services.models.supervision import *  # noqa: F403  (supervision: Card, SupervisionSettings, …)

__all__ = [
    "ApplicationDraft",
    "Attachment",
    "CalendarDay",
    "Department",
    "DepartmentMembership",
    "DraftScan",
    "FollowUp",
    "ItemStep",
    "Rating",
    "RequestEvent",
    "RequestEventSeal",
    "RequestFee",
    "RequestFollower",
    "RequestStep",
    "RequiredMaterial",
    "RoutingRule",
    "SavedQueueView",
    "SearchSynonym",
    "ServiceItem",
    "ServiceRequest",
    "StepKind",
    "StepRole",
]

# Feature packages keep their models beside their code; Django finds them through this import.
from gov_services.channels.models import (
    Channel,
    ChannelKey,
    ChannelRequest,
    WebhookAttempt,
    WebhookDelivery,
    WeChatAccount,
    WeChatConversation,
    WeChatDraftPhoto,
    WeChatInbound,
)
from gov_services.open311.models import Open311Token

__all__ += [
    "Channel",
    "ChannelKey",
    "ChannelRequest",
    "Open311Token",
    "WeChatAccount",
    "WeChatConversation",
    "WeChatDraftPhoto",
    "WeChatInbound",
    "WebhookAttempt",
    "WebhookDelivery",
]
