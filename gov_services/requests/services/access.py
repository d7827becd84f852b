"""Why a request move is refused. The rules are stations/scope's predicates (the same ones the
department page asks to offer its buttons); each check here raises PermissionDenied with a message
that says why."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from gov_services.models import DepartmentMembership, ServiceRequest
from stations.scope import require, scope_for


def user_or_none(user) -> User | None:
    return user if user is not None and user.is_authenticated else None


def require_signed_in(actor) -> None:
    require(actor is not None and actor.is_authenticated, _("Sign in first."))


def require_handler(request: ServiceRequest, actor, *, region_admin_may: bool = False) -> None:
    """An officer of the request's department; once it is assigned, its assignee or a head. With
    `region_admin_may` (close, reroute) also an admin whose region holds the request's place."""
    require_signed_in(actor)
    scope = scope_for(actor)
    if scope.can_handle_request(request) or (region_admin_may and scope.can_supervise_request(request)):
        return
    if scope.works_in(request.department_id):
        raise PermissionDenied(_("This request is assigned to %(name)s; only they or the department head "
                                 "may act on it.") % {"name": request.assignee})
    raise PermissionDenied(_("Only officers of %(department)s may act on this request.")
                           % {"department": request.department.name})


def require_member(request: ServiceRequest, actor) -> None:
    """Any officer of the request's department, whoever holds the request."""
    require_signed_in(actor)
    require(scope_for(actor).works_in(request.department_id),
            _("Only officers of %(department)s may claim this request.") % {"department": request.department.name})


def require_head(request: ServiceRequest, actor) -> None:
    require_signed_in(actor)
    require(scope_for(actor).can_assign_request(request),
            _("Only the head of %(department)s may assign its requests.") % {"department": request.department.name})


def require_member_assignee(request: ServiceRequest, assignee: User) -> None:
    """The person a request is given to must be an officer of its department (a ValidationError)."""
    if not DepartmentMembership.objects.active().filter(user=assignee, department_id=request.department_id).exists():
        raise ValidationError({"assignee": _("%(name)s is not an officer of %(department)s.")
                               % {"name": assignee, "department": request.department.name}})


def require_resident_side(request: ServiceRequest, actor, *, message: str) -> None:
    """The resident's account, the operator who filed the request, or the staff of its station."""
    require_signed_in(actor)
    require(scope_for(actor).can_act_for_applicant(request), message)


def require_staff_viewer(request: ServiceRequest, actor) -> None:
    """Staff who may see the request: officers of its department, admins of its region, its station."""
    require_signed_in(actor)
    require(scope_for(actor).can_note_request(request), _("You may not add notes to this request."))
