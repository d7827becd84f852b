from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_role_grant
from core.audit import audit_event_record
from gov_services.models import Department, DepartmentMembership
from stations.models import Region
from stations.scope import scope_forget


@transaction.atomic
def department_create(*, code: str, name: str, level: str, region: Region, actor: User | None,
                      phone: str = "", is_dispatch_desk: bool = False) -> Department:
    department = Department(code=code, name=name, level=level, region=region, phone=phone,
                            is_dispatch_desk=is_dispatch_desk)
    department.full_clean()
    department.save()
    audit_event_record(actor=actor, action="department.created", target=department, data={"level": level})
    return department


@transaction.atomic
def department_member_add(*, department: Department, user: User, actor: User | None,
                          is_head: bool = False) -> DepartmentMembership:
    membership = DepartmentMembership.objects.create(department=department, user=user, is_head=is_head)
    user_role_grant(user=user, role=Role.OFFICER, actor=actor)
    scope_forget(user)
    audit_event_record(actor=actor, action="department.member_added", target=membership,
                       data={"is_head": is_head})
    return membership
