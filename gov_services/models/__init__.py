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

# The requests (gov_services/requests/) build on the catalogue; the county settings (routing rules, the
# working-day calendar) on both.
from gov_services.models.settings import CalendarDay, RoutingRule
from gov_services.requests.models import (
    ApplicationDraft,
    Attachment,
    DraftScan,
    FollowUp,
    Rating,
    RequestEvent,
    RequestEventSeal,
    RequestFee,
    RequestFollower,
    RequestStep,
    SavedQueueView,
    ServiceRequest,
)

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
