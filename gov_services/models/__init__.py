# The catalogue is a feature package (gov_services/catalogue/) below every other; its models first.
from gov_services.catalogue.models import (
    Department,
    DepartmentMembership,
    ItemStep,
    RequiredMaterial,
    SearchSynonym,
    ServiceItem,
    StepKind,
    StepRole,
)
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
from gov_services.models.steps import RequestStep, SavedQueueView

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
from gov_services.certificates.models import (
    Certificate,
    CertificatePrint,
    CertificateSerialCounter,
    CertificateType,
    CountySigningCertificate,
    DepartmentSeal,
    OfficialSeal,
    SigningKey,
)
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
from gov_services.supervision.models import (
    Card,
    Escalation,
    EscalationStep,
    FollowUpCallback,
    RatingAppeal,
    SupervisionCard,
    SupervisionSettings,
    SupervisionSweep,
)

__all__ += [
    "Card",
    "Certificate",
    "CertificatePrint",
    "CertificateSerialCounter",
    "CertificateType",
    "Channel",
    "ChannelKey",
    "ChannelRequest",
    "CountySigningCertificate",
    "DepartmentSeal",
    "Escalation",
    "EscalationStep",
    "FollowUpCallback",
    "OfficialSeal",
    "Open311Token",
    "RatingAppeal",
    "SigningKey",
    "SupervisionCard",
    "SupervisionSettings",
    "SupervisionSweep",
    "WeChatAccount",
    "WeChatConversation",
    "WeChatDraftPhoto",
    "WeChatInbound",
    "WebhookAttempt",
    "WebhookDelivery",
]
