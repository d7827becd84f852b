"""Who may act on a request (the rules are listed in the package docstring). Each check raises
PermissionDenied with a message that says why."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from gov_services.models import DepartmentMembership, ServiceRequest
from stations.models import StaffAssignment
from stations.selectors import active_assignments


def user_or_none(user) -> User | None:
    return user if user is not None and user.is_authenticated else None


def serves_station(actor, station_id: int | None) -> bool:
    """Whether `actor` is an operator or liaison of the station now."""
    return station_id is not None and active_assignments(user=actor).filter(
        station_id=station_id, role__in=StaffAssignment.STATION_ROLES).exists()


def admin_covers(actor, path: str | None) -> bool:
    """Whether `actor` is a township or county admin whose region holds the region at `path`."""
    if not path:
        return False
    return any(path.startswith(a.region.path) for a in active_assignments(user=actor).filter(region__isnull=False))


def place_path(request: ServiceRequest) -> str | None:
    """The Region.path of the request's village (or its station's village)."""
    if request.village_id:
        return request.village.path
    return request.station.village.path if request.station_id else None


def membership(actor, department_id: int) -> DepartmentMembership | None:
    if not actor.is_authenticated:
        return None
    return DepartmentMembership.objects.filter(user=actor, department_id=department_id).first()


def require_signed_in(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in first."))


def require_handler(request: ServiceRequest, actor, *, region_admin_may: bool = False) -> None:
    """An officer of the request's department. Once the request is assigned: its assignee or a head."""
    require_signed_in(actor)
    if actor.is_superuser:
        return
    member = membership(actor, request.department_id)
    if member is None:
        if region_admin_may and admin_covers(actor, place_path(request)):
            return
        raise PermissionDenied(_("Only officers of %(department)s may act on this request.")
                               % {"department": request.department.name})
    if request.assignee_id and request.assignee_id != actor.pk and not member.is_head:
        raise PermissionDenied(_("This request is assigned to %(name)s; only they or the department head "
                                 "may act on it.") % {"name": request.assignee})


def require_member(request: ServiceRequest, actor) -> None:
    """Any officer of the request's department, whoever holds the request."""
    require_signed_in(actor)
    if not actor.is_superuser and membership(actor, request.department_id) is None:
        raise PermissionDenied(_("Only officers of %(department)s may claim this request.")
                               % {"department": request.department.name})


def require_head(request: ServiceRequest, actor) -> None:
    require_signed_in(actor)
    if actor.is_superuser:
        return
    member = membership(actor, request.department_id)
    if member is None or not member.is_head:
        raise PermissionDenied(_("Only the head of %(department)s may assign its requests.")
                               % {"department": request.department.name})


def require_member_assignee(request: ServiceRequest, assignee: User) -> None:
    """The person a request is given to must be an officer of its department (a ValidationError)."""
    if not DepartmentMembership.objects.filter(user=assignee, department_id=request.department_id).exists():
        raise ValidationError({"assignee": _("%(name)s is not an officer of %(department)s.")
                               % {"name": assignee, "department": request.department.name}})


def require_resident_side(request: ServiceRequest, actor, *, message: str) -> None:
    """The resident's account, the operator who filed the request, or the staff of its station."""
    require_signed_in(actor)
    if actor.pk in (request.applicant_user_id, request.filed_by_id) or serves_station(actor, request.station_id):
        return
    raise PermissionDenied(message)


def require_staff_viewer(request: ServiceRequest, actor) -> None:
    """Staff who may see the request: officers of its department, admins of its region, its station."""
    require_signed_in(actor)
    if actor.is_superuser or membership(actor, request.department_id) is not None:
        return
    if serves_station(actor, request.station_id) or admin_covers(actor, place_path(request)):
        return
    raise PermissionDenied(_("You may not add notes to this request."))
