from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from gov_services.models import Department, DepartmentMembership, RequestStep, ServiceRequest
from gov_services.requests.workflow import CLOCK_RUNNING, OPEN_STATUSES
from stations import selectors as station_selectors
from stations.models import Region
from stations.scope import can_set_up_departments, get_in_scope, require, scope_for


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


# --- Set-up: the county admin's departments and staff --------------------------------------

def setup_department_list(*, user) -> QuerySet[Department]:
    """Departments the user sets up (stations/scope: Scope.department_setup_q), active ones first."""
    if not can_set_up_departments(user):
        return Department.objects.none()
    return (Department.objects.filter(scope_for(user).department_setup_q()).select_related("region")
            .order_by("-is_active", "region__depth", "code"))


def member_counts(*, departments) -> dict[int, int]:
    """Department id → members in force. One query."""
    rows = (DepartmentMembership.objects.active().filter(department__in=departments)
            .values("department_id").annotate(n=Count("pk")))
    return {row["department_id"]: row["n"] for row in rows}


def access_setup_department_by_id(*, user, department_id: int) -> Department:
    """403 for someone who sets up no departments; 404 for one outside their county, as for none."""
    require(can_set_up_departments(user), _("Departments are set up by county admins."))
    return get_in_scope(setup_department_list(user=user), pk=department_id)


def setup_region_choices(*, user) -> QuerySet[Region]:
    """Where a department may sit: the admin's county, its townships and villages (a village committee), and
    the county's city (市直)."""
    if not can_set_up_departments(user):
        return Region.objects.none()
    scope = scope_for(user)
    levels = [Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP, Region.Level.VILLAGE]
    if scope.everything:
        return Region.objects.filter(level__in=levels).order_by("path")
    cities = {path[: Region.steplen] for path in scope.admin_paths(county_only=True)}
    return Region.objects.filter(scope.q(place="path", county_only=True) | Q(path__in=sorted(cities)),
                                 level__in=levels).order_by("path")


def setup_member_by_id(*, department: Department, membership_id: int | None) -> DepartmentMembership:
    return get_in_scope(department.memberships.active().select_related("user", "department__region"),
                        pk=membership_id)


def setup_membership_by_id(*, department: Department, membership_id: int | None) -> DepartmentMembership:
    """A membership of the department, in force or ended (a role change submitted twice names the one it
    ended); 404 for another department's, as for none."""
    return get_in_scope(department.memberships.select_related("user", "department__region"), pk=membership_id)


def staff_account_list(*, user) -> QuerySet[User]:
    """Accounts a county admin may explicitly give a post: staff at their stations and regions
    (stations.selectors) and members of the departments they set up."""
    members = DepartmentMembership.objects.active().filter(department__in=setup_department_list(user=user))
    station_staff = station_selectors.staff_account_list(user=user)
    return (User.objects.filter(Q(pk__in=station_staff.values("pk")) | Q(pk__in=members.values("user_id")),
                                is_active=True).order_by("full_name", "pk"))


def access_staff_account_by_id(*, user, account_id: int | None) -> User:
    require(can_set_up_departments(user), _("Staff accounts are managed by county admins."))
    return get_in_scope(staff_account_list(user=user), pk=account_id)


@dataclass(frozen=True)
class StaffPost:
    """One post in force, as the staff list shows it: its text ("代办员 · 城关村综合服务站") and, for a
    department post, the membership (whose officer ↔ head role the list changes in place)."""

    text: str
    membership: DepartmentMembership | None = None


def staff_posts(*, accounts) -> dict[int, list[StaffPost]]:
    """Each account's posts in force, for the staff list. Two queries."""
    from stations.models import StaffAssignment

    posts: dict[int, list[StaffPost]] = {}
    for assignment in (StaffAssignment.objects.active().filter(user__in=accounts)
                       .select_related("station", "region").order_by("role", "pk")):
        posts.setdefault(assignment.user_id, []).append(
            StaffPost(f"{assignment.get_role_display()} · {assignment.station or assignment.region}"))
    for membership in (DepartmentMembership.objects.active().filter(user__in=accounts)
                       .select_related("department").order_by("pk")):
        role = _("Department head") if membership.is_head else _("Department officer")
        posts.setdefault(membership.user_id, []).append(StaffPost(f"{role} · {membership.department}", membership))
    return posts


def department_workload(*, department) -> list[dict]:
    """Each active member of the department with the open requests they hold, how many of those are
    overdue and how many have a step overdue (the head's view for reassigning). Two queries."""
    now = timezone.now()
    late_step = RequestStep.objects.filter(request_id=OuterRef("pk"), started_at__isnull=False,
                                           done_at__isnull=True, due_at__lt=now)
    rows = (ServiceRequest.objects.filter(department=department, status__in=OPEN_STATUSES, assignee__isnull=False)
            .annotate(late_step=Exists(late_step)).values("assignee_id")
            .annotate(open=Count("pk"),
                      overdue=Count("pk", filter=Q(status__in=CLOCK_RUNNING, paused_at__isnull=True,
                                                   due_at__lt=now)),
                      steps_overdue=Count("pk", filter=Q(late_step=True))))
    by_user = {row["assignee_id"]: row for row in rows}
    members = DepartmentMembership.objects.active().filter(department=department).select_related("user")
    return [{"membership": m, "user": m.user, **{k: by_user.get(m.user_id, {}).get(k, 0)
                                                 for k in ("open", "overdue", "steps_overdue")}}
            for m in members.order_by("-is_head", "user__username")]
