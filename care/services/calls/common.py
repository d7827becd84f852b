"""What every step of a care call shares: its audit event, its row lock, and the desk's alerts."""

from __future__ import annotations

from django.utils import timezone

from care.models import CareAlert, CareCall, CareResident
from core.audit import audit_event_record


def record_event(call: CareCall, action: str, *, actor=None, **data) -> None:
    audit_event_record(actor=actor, action=f"care.call.{action}", target=call,
                       data={"status": call.status, **data})


def lock_call(call_id: int) -> CareCall:
    return CareCall.objects.select_for_update().select_related("resident", "village").get(pk=call_id)


def alert_raise(resident: CareResident, *, kind: str, key: str, message: str, call: CareCall | None = None) -> bool:
    """One alert for the desk under `key` (True when new)."""
    _alert, created = CareAlert.objects.get_or_create(
        key=key[:60], defaults={"kind": kind, "resident": resident, "village_id": resident.village_id,
                                "call": call, "message": message[:200], "created_at": timezone.now()})
    return created
