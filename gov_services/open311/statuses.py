"""Our workflow's statuses as GeoReport v2 sees them (pure).

The standard knows two statuses, open and closed. As FixMyStreet's Open311 server does with the fields
it adds to the standard's request (alongside status), we keep the richer one beside it: every request
carries `detailed_status` (our code, e.g. under_review) and `detailed_status_label` (its name in the
request's language). A request is closed once the department's work is over — completed (result
issued), rated, closed, or not accepted — and open while anything is still to be done by someone.
"""

from typing import Final

from gov_services.models import ServiceRequest

Status = ServiceRequest.Status

OPEN, CLOSED = "open", "closed"
CLOSED_STATUSES: Final = frozenset({Status.COMPLETED, Status.RATED, Status.CLOSED, Status.REJECTED})
OPEN_STATUSES: Final = frozenset(set(Status) - CLOSED_STATUSES)


def open311_status(status: str) -> str:
    return CLOSED if status in CLOSED_STATUSES else OPEN


def statuses_for(open311: str) -> frozenset[str]:
    """Our statuses behind one of the standard's ("open" or "closed")."""
    return CLOSED_STATUSES if open311 == CLOSED else OPEN_STATUSES
