"""Who may do what from the department and county request pages: the request an officer may open, the
region an admin supervises, the moves the action panel offers (the predicates the services enforce), and
where a form may send the user back to."""



from core.http import safe_next as safe_next_of
from gov_services.catalogue.steps import OPTIONAL_KINDS
from gov_services.models import Department, DepartmentMembership, ServiceRequest
from gov_services.requests.selectors import requests as request_selectors
from gov_services.requests.steps import STEP_ACTIONS, STEP_OF_ACTION
from gov_services.requests.workflow import Action
from gov_services.selectors import departments as department_selectors
from stations.models import Region
from stations.scope import get_in_scope, scope_for

# Actions an admin of the region takes on the read-only page (the services allow them reroute and notes).
ADMIN_ACTIONS = (Action.REROUTE, Action.NOTE)


STATUS_MOVES = frozenset({Action.ACCEPT, Action.RETURN_FOR_SUPPLEMENT, Action.REJECT, Action.START_REVIEW,
                           Action.APPROVE, Action.REFUSE, Action.COMPLETE, Action.STEP_DONE})


def may_take(scope, action: str, service_request: ServiceRequest) -> bool:
    """Whether the user may take `action` on the request: the predicate its service enforces."""
    if action in STATUS_MOVES:
        return scope.can_handle_request(service_request)
    return {
        Action.CLOSE: scope.can_reroute_request,  # an admin of its region may close it too
        Action.REROUTE: scope.can_reroute_request,
        Action.CLAIM: scope.can_claim_request,
        Action.ASSIGN: scope.can_assign_request,
        Action.TRANSFER: scope.can_transfer_request,
        Action.NOTE: scope.can_note_request,
    }[action](service_request)


def belongs_to_step(action: str, current, *, has_steps: bool) -> bool:
    """Offer a step's own buttons only while that step is current (other actions always)."""
    if not has_steps or action not in STEP_ACTIONS:
        return True
    if current is None:
        return False
    if action == Action.STEP_DONE:
        return current.kind in OPTIONAL_KINDS
    return STEP_OF_ACTION[action] == current.kind


def safe_next(request, fallback: str) -> str:
    """The form's `next` when it is an address on this site, else `fallback`."""
    return safe_next_of(request, request.POST.get("next")) or fallback


def officer_memberships(user) -> list[DepartmentMembership]:
    """The user's departments (the /dept/ pages let in department staff only: DepartmentStaffMixin)."""
    return list(department_selectors.memberships_of(user=user))


def officer_request(user, request_id: int) -> tuple[ServiceRequest, DepartmentMembership | None]:
    """The request if it is with one of the user's departments now (any department for a superuser),
    with the user's membership of that department; 404 otherwise."""
    memberships = officer_memberships(user)
    department_ids = {m.department_id for m in memberships}
    queue = request_selectors.service_request_list(user=user)
    if not user.is_superuser:
        queue = queue.filter(department_id__in=department_ids)
    service_request = get_in_scope(queue, pk=request_id)
    member = next((m for m in memberships if m.department_id == service_request.department_id), None)
    return service_request, member


def admin_region(user) -> Region | None:
    """The admin's region (None for a superuser who is no admin); the /county/ pages let in admins only
    (CountyStaffMixin)."""
    return scope_for(user).admin_region


def serving_departments(service_request: ServiceRequest) -> list[Department]:
    """Departments a request may be rerouted to, other than the one holding it."""
    village = service_request.village or (service_request.station.village if service_request.station_id else None)
    if village is None:
        return []
    return list(department_selectors.departments_serving(path=village.path)
                .exclude(pk=service_request.department_id))
