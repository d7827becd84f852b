"""The requests' models: the request, its timeline (events and their seals), scans, rating and follow-up
(requests.py); its approval steps and the officers' saved queue views (steps.py); drafts of an application
(drafts.py); its government fee (fees.py); the followers of a resident's report (reports.py).

Gathered with every feature's models by gov_services/models/__init__.py (the app label, tables and
migrations are gov_services'); the app's modules import them from gov_services.models."""

from gov_services.requests.models.drafts import ApplicationDraft, DraftScan
from gov_services.requests.models.fees import RequestFee
from gov_services.requests.models.reports import RequestFollower
from gov_services.requests.models.requests import (
    Attachment,
    FollowUp,
    Rating,
    RequestEvent,
    RequestEventSeal,
    ServiceRequest,
)
from gov_services.requests.models.steps import RequestStep, SavedQueueView

__all__ = [
    "ApplicationDraft",
    "Attachment",
    "DraftScan",
    "FollowUp",
    "Rating",
    "RequestEvent",
    "RequestEventSeal",
    "RequestFee",
    "RequestFollower",
    "RequestStep",
    "SavedQueueView",
    "ServiceRequest",
]
