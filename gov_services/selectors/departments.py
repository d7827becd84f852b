from django.db.models import QuerySet

from gov_services.models import Department, DepartmentMembership
from stations.models import Region
from stations.scope import get_in_scope, scope_for


def department_list(*, user) -> QuerySet[Department]:
    """Departments in scope: an officer's own; an admin's within their region; all for a superuser."""
    return scope_for(user).filter(Department.objects.select_related("region").order_by("code"),
                                  department="pk", place="region__path")


def access_department_by_id(*, user, department_id: int) -> Department:
    return get_in_scope(department_list(user=user), pk=department_id)


def memberships_of(*, user) -> QuerySet[DepartmentMembership]:
    return DepartmentMembership.objects.active().filter(user=user).select_related("department", "department__region")


def department_members(*, department: Department) -> QuerySet[DepartmentMembership]:
    return department.memberships.active().select_related("user").order_by("-is_head", "user__full_name")


def departments_serving(*, path: str) -> QuerySet[Department]:
    """Departments whose region holds the place at `path`: the county's bureaus and its township's centre."""
    step = Region.steplen
    paths = [path[:end] for end in range(step, len(path) + 1, step)]
    return (Department.objects.filter(region__path__in=paths).select_related("region")
            .order_by("region__depth", "code"))
