"""Personal information (个人信息保护法): the log of every showing of a resident's full ID number, phone
or address, and the inventory of the personal data the platform holds.

The log: a page that shows a record's personal data in full (core/masking.py says which pages do) calls
`personal_data_view_record` — who, when (the audit event's own columns), which record (its target),
which fields, and why (the purpose of the page: the department handling the request, the grid's
household register …). The rows are audit events, so they are append-only and in the hash chain
(core/audit_chain.py); the audit admin and the data officer review them at /ops/personal-data/access/.

The inventory: PersonalDataItem rows, one per field, made from INVENTORY after every migrate (a row the
county has edited is kept as it is); the data officer reads it at /ops/personal-data/.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.audit import audit_event_record
from core.models import AuditEvent, PersonalDataItem

VIEWED = "personal_data.viewed"
# Actions that are showings of personal data in full: ours, and stations' household page (which was
# audited before this log existed and keeps its action name).
VIEW_ACTIONS = (VIEWED, "household.viewed")
ACCESS_LOG_PERMISSION = "core.view_personal_data_access"
INVENTORY_PERMISSION = "core.view_personaldataitem"


def personal_data_view_record(*, viewer, target: models.Model, fields: list[str], purpose: str,
                              action: str = VIEWED) -> AuditEvent | None:
    """Log that `viewer` was shown `fields` of `target` in full, for `purpose`. Nothing is logged for a
    visitor who is not signed in (no page shows them anything in full) or for an empty list of fields."""
    if viewer is None or not viewer.is_authenticated or not fields:
        return None
    with transaction.atomic():
        return audit_event_record(actor=viewer, action=action, target=target,
                                  data={"fields": sorted(set(fields)), "purpose": purpose})


def personal_data_access_list(*, user, actor_id: int | None = None, since: datetime.datetime | None = None,
                              until: datetime.datetime | None = None) -> QuerySet[AuditEvent]:
    """The showings of personal data, newest first: for the audit admin and the data officer."""
    if not user.has_perm(ACCESS_LOG_PERMISSION):
        raise PermissionDenied(_("Only the audit administrator and the data officer review who saw personal data."))
    events = AuditEvent.objects.filter(action__in=VIEW_ACTIONS).select_related("actor", "target_type")
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events.order_by("-at", "-pk")


def personal_data_inventory(*, user) -> QuerySet[PersonalDataItem]:
    if not user.has_perm(INVENTORY_PERMISSION):
        raise PermissionDenied(_("Only the data officer and the security and audit administrators read the inventory."))
    return PersonalDataItem.objects.order_by("field")


def personal_data_inventory_sync(**kwargs) -> int:
    """post_migrate: a row for every INVENTORY entry that has none; rows already there are the county's
    and stay as they are. The number made."""
    from core.personal_data_inventory import INVENTORY

    existing = set(PersonalDataItem.objects.values_list("field", flat=True))
    new = [PersonalDataItem(**entry) for entry in INVENTORY if entry["field"] not in existing]
    PersonalDataItem.objects.bulk_create(new)
    return len(new)
