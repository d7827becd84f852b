from gov_services.models.catalogue import Department, DepartmentMembership, RequiredMaterial, ServiceItem
from gov_services.models.requests import (
    Attachment,
    CalendarDay,
    FollowUp,
    Rating,
    RequestEvent,
    RoutingRule,
    ServiceRequest,
)

__all__ = [
    "Attachment",
    "CalendarDay",
    "Department",
    "DepartmentMembership",
    "FollowUp",
    "Rating",
    "RequestEvent",
    "RequiredMaterial",
    "RoutingRule",
    "ServiceItem",
    "ServiceRequest",
]
