from gov_services.models.catalogue import Department, DepartmentMembership, RequiredMaterial, ServiceItem
from gov_services.models.certificates import *  # noqa: F403  certificates
from gov_services.models.reports import RequestFollower
from gov_services.models.requests import (
    Attachment,
    CalendarDay,
    FollowUp,
    Rating,
    RequestEvent,
    RoutingRule,
    ServiceRequest,
)
from gov_services.models.supervision import *  # noqa: F403  (supervision: Card, SupervisionSettings, …)

__all__ = [
    "Attachment",
    "CalendarDay",
    "Department",
    "DepartmentMembership",
    "FollowUp",
    "Rating",
    "RequestEvent",
    "RequestFollower",
    "RequiredMaterial",
    "RoutingRule",
    "ServiceItem",
    "ServiceRequest",
]
