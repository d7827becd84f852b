"""Writes to departments and their members. Each leaves an audit event.

Who may set up which department is stations/scope's rule (county admins: their county's departments
and the city-level ones at its city); `actor=None` is the system (the demo seed, management commands).
An officer whose membership ends loses the department's queue on their next request.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import staff_account_create, user_role_grant, user_role_revoke
from core.audit import audit_event_record
from gov_services.models import Department, DepartmentMembership, RoutingRule, ServiceItem, ServiceRequest
from gov_services.requests.workflow import OPEN_STATUSES
from stations.models import Region
from stations.scope import can_set_up_department_at, require, scope_forget

# What an edit may change; the code never changes (imports and routing name departments by it).
DEPARTMENT_EDITABLE = ("name", "level", "region", "phone", "is_dispatch_desk")


def _require_setup(actor: User | None, region: Region) -> None:
    if actor is not None:
        require(can_set_up_department_at(actor, region),
                _("Only a county admin of %(region)s may set up its departments.") % {"region": region.name})


def _check_level(level: str, region: Region) -> None:
    """A department's level is its region's: a 市直 department sits at the city, a 乡镇 centre at its township."""
    if level not in Department.Level.values:
        raise ValidationError({"level": _("Unknown level.")})
    if region.level != level:
        raise ValidationError({"region": _("A %(level)s department serves a region of that level, not %(region)s.")
                               % {"level": Department.Level(level).label, "region": region.name}})


@transaction.atomic
def department_create(*, code: str, name: str, level: str, region: Region, actor: User | None,
                      phone: str = "", is_dispatch_desk: bool = False) -> Department:
    _require_setup(actor, region)
    _check_level(level, region)
    department = Department(code=code, name=name, level=level, region=region, phone=phone,
                            is_dispatch_desk=is_dispatch_desk)
    department.full_clean()
    department.save()
    audit_event_record(actor=actor, action="department.created", target=department, data={"level": level})
    return department


@transaction.atomic
def department_update(*, department: Department, actor: User | None, **fields) -> dict:
    """Change DEPARTMENT_EDITABLE fields; returns what changed ({} when nothing did)."""
    unknown = set(fields) - set(DEPARTMENT_EDITABLE)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    _require_setup(actor, department.region)
    department = Department.objects.select_for_update().select_related("region").get(pk=department.pk)
    if "region" in fields and fields["region"] != department.region:
        _require_setup(actor, fields["region"])
    changes = {}
    for name, value in fields.items():
        before = getattr(department, name)
        if before != value:
            changes[name] = [getattr(before, "code", before), getattr(value, "code", value)]
            setattr(department, name, value)
    _check_level(department.level, department.region)
    department.full_clean()
    if changes:
        department.save()
        audit_event_record(actor=actor, action="department.updated", target=department, data={"changes": changes})
    return changes


@transaction.atomic
def department_active_set(*, department: Department, active: bool, actor: User | None, reason: str = "") -> None:
    """Deactivate a department that has nothing left to do (its members' posts end with it), or bring it back.
    Refused while it is the dispatch desk or has active items, routing rules or open requests."""
    _require_setup(actor, department.region)
    department = Department.objects.select_for_update().get(pk=department.pk)
    if department.is_active == active:
        return
    if not active:
        _check_idle(department)
        for membership in department.memberships.active().select_related("user"):
            _membership_end(membership, actor=actor)
            _officer_role_revoked_with_last_membership(membership.user, actor=actor)
    department.is_active = active
    department.save(update_fields=["is_active"])
    audit_event_record(actor=actor, action="department.activated" if active else "department.deactivated",
                       target=department, data={"reason": reason})


def _check_idle(department: Department) -> None:
    busy = []
    if department.is_dispatch_desk:
        busy.append(_("it is the county's dispatch desk"))
    if (n := ServiceItem.objects.filter(department=department, is_active=True).count()):
        busy.append(_("%(n)d active service items") % {"n": n})
    if (n := RoutingRule.objects.filter(department=department).count()):
        busy.append(_("%(n)d routing rules") % {"n": n})
    if (n := ServiceRequest.objects.filter(department=department, status__in=OPEN_STATUSES).count()):
        busy.append(_("%(n)d open requests") % {"n": n})
    if busy:
        raise ValidationError(_("%(department)s cannot be deactivated while %(what)s.")
                              % {"department": department.name, "what": "、".join(busy)})


@transaction.atomic
def department_member_add(*, department: Department, actor: User | None, user: User | None = None,
                          full_name: str = "", phone: str = "", is_head: bool = False,
                          with_password: bool = True, started_on: date | None = None) -> DepartmentMembership:
    """Make `user` (an account the admin chose) or a new account (`full_name`, `phone`) an officer or head of
    the department. A new account's one-time password is on the membership as `initial_password`, shown
    to the admin once (None for an existing account, or `with_password=False`: issued later)."""
    _require_setup(actor, department.region)
    if not department.is_active:
        raise ValidationError(_("%(department)s is no longer active.") % {"department": department.name})
    password = None
    if user is None:
        user, password = staff_account_create(full_name=full_name, phone=phone, actor=actor,
                                              with_password=with_password)
    elif department.memberships.active().filter(user=user).exists():
        raise ValidationError(_("%(user)s is already a member of %(department)s.")
                              % {"user": user, "department": department.name})
    membership = DepartmentMembership.objects.create(department=department, user=user, is_head=is_head,
                                                     started_on=started_on or timezone.localdate())
    user_role_grant(user=user, role=Role.OFFICER, actor=actor)
    scope_forget(user)
    audit_event_record(actor=actor, action="department.member_added", target=membership,
                       data={"is_head": is_head, "department": department.code})
    membership.initial_password = password
    return membership


@transaction.atomic
def department_member_end(*, membership: DepartmentMembership, actor: User | None,
                          ended_on: date | None = None) -> None:
    """The officer leaves the department: from `ended_on` (default today) they no longer have its queue."""
    _require_setup(actor, membership.department.region)
    _membership_end(membership, actor=actor, ended_on=ended_on)
    if not ended_on or ended_on <= timezone.localdate():
        _officer_role_revoked_with_last_membership(membership.user, actor=actor)


@transaction.atomic
def department_member_role_change(*, membership: DepartmentMembership, is_head: bool,
                                  actor: User | None) -> DepartmentMembership:
    """An officer becomes the department's head, or a head an officer, in place: the membership in force ends
    today and a new one with the other post starts today, so the dated history shows both. Returns the
    membership in force afterwards; when it already holds that post (a double submit) nothing is written."""
    _require_setup(actor, membership.department.region)
    current = DepartmentMembership.objects.select_for_update().select_related("user", "department").get(
        pk=membership.pk)
    if current.ended_on is not None and current.ended_on <= timezone.localdate():
        successor = (current.department.memberships.active().filter(user=current.user_id)
                     .select_related("user", "department").first())
        if successor is not None and successor.is_head == is_head:
            return successor  # the same change, submitted again
        raise ValidationError(_("This membership already ended on %(date)s.") % {"date": current.ended_on})
    if current.is_head == is_head:
        return current
    if not current.department.is_active:
        raise ValidationError(_("%(department)s is no longer active.") % {"department": current.department.name})
    _membership_end(current, actor=actor)
    today = timezone.localdate()
    successor = DepartmentMembership.objects.create(department=current.department, user=current.user,
                                                    is_head=is_head, started_on=today)
    scope_forget(current.user)
    audit_event_record(actor=actor, action="department.member_role_changed", target=successor, data={
        "department": current.department.code, "from": "head" if current.is_head else "officer",
        "to": "head" if is_head else "officer", "previous": current.pk, "on": today.isoformat()})
    return successor


def _officer_role_revoked_with_last_membership(user: User, *, actor: User | None) -> None:
    """Leaving one's last department today ends the officer role too (stations.services does the same for
    posts), so the person no longer lands on a department queue they may not open."""
    memberships = DepartmentMembership.objects.filter(user=user)
    if memberships.active().exists() or memberships.filter(started_on__gt=timezone.localdate()).exists():
        return
    user_role_revoke(user=user, role=Role.OFFICER, actor=actor)


def _membership_end(membership: DepartmentMembership, *, actor: User | None, ended_on: date | None = None) -> None:
    given, membership = membership, DepartmentMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_on is not None:
        raise ValidationError(_("This membership already ended on %(date)s.") % {"date": membership.ended_on})
    membership.ended_on = max(ended_on or timezone.localdate(), membership.started_on)
    membership.save(update_fields=["ended_on"])
    if DepartmentMembership.user.is_cached(given):
        scope_forget(given.user)
    audit_event_record(actor=actor, action="department.member_ended", target=membership,
                       data={"ended_on": membership.ended_on.isoformat(), "department": membership.department_id})
