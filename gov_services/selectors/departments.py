from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gov_services.models import Department, DepartmentMembership
from stations.models import Region
from stations.selectors import admin_region_for


def department_list(*, user) -> QuerySet[Department]:
    """Departments in scope: an officer's own; an admin's within their region; all for a superuser."""
    departments = Department.objects.select_related("region").order_by("code")
    if user.is_superuser:
        return departments
    if not user.is_authenticated:
        return departments.none()
    scope = Q(pk__in=DepartmentMembership.objects.filter(user=user).values("department_id"))
    region = admin_region_for(user=user)
    if region is not None:
        scope |= Q(region__path__startswith=region.path)
    return departments.filter(scope)


def access_department_by_id(*, user, department_id: int) -> Department:
    department = department_list(user=user).filter(pk=department_id).first()
    if department is None:
        raise PermissionDenied(_("You may not see this department."))
    return department


def memberships_of(*, user) -> QuerySet[DepartmentMembership]:
    return DepartmentMembership.objects.filter(user=user).select_related("department", "department__region")


def department_members(*, department: Department) -> QuerySet[DepartmentMembership]:
    return department.memberships.select_related("user").order_by("-is_head", "user__full_name")


def departments_serving(*, path: str) -> QuerySet[Department]:
    """Departments whose region holds the place at `path`: the county's bureaus and its township's centre."""
    step = Region.steplen
    paths = [path[:end] for end in range(step, len(path) + 1, step)]
    return (Department.objects.filter(region__path__in=paths).select_related("region")
            .order_by("region__depth", "code"))
