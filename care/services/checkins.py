"""Scheduled check-ins for residents living alone: kept due one at a time, recorded by the desk,
missed ones alerted (care/checkins.py decides the days)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from care import checkins
from care.models import CareAlert, CareCheckIn, CareResident
from care.services.calls.common import alert_raise
from core.audit import audit_event_record
from stations.scope import require, scope_for

Status = CareCheckIn.Status


def _schedule(resident: CareResident, today, *, after=None) -> CareCheckIn | None:
    last = (resident.checkins.filter(status=Status.DONE).order_by("-done_at").values_list("done_at", flat=True)
            .first())
    due = checkins.next_due(every_days=resident.checkin_every_days,
                            last_done=timezone.localdate(last) if last else None,
                            registered_on=timezone.localdate(resident.created_at), today=today, after=after)
    if due is None:
        return None
    checkin, _created = CareCheckIn.objects.get_or_create(resident=resident, due_on=due)
    return checkin


def care_checkins_sweep(*, today=None) -> dict[str, int]:
    """Mark overdue check-ins missed (one alert each) and give every resident living alone who has none
    due their next one. Run again the same day: nothing changes."""
    today = today or timezone.localdate()
    missed = 0
    for checkin in CareCheckIn.objects.filter(status=Status.DUE).select_related("resident"):
        if checkins.is_missed(due_on=checkin.due_on, today=today):
            with transaction.atomic():
                checkin.status = Status.MISSED
                checkin.save(update_fields=["status"])
                alert_raise(checkin.resident, kind=CareAlert.Kind.MISSED_CHECKIN, key=f"checkin:{checkin.pk}",
                            message=_("Check-in due on %(day)s was missed.") % {"day": checkin.due_on.isoformat()})
                audit_event_record(actor=None, action="care.checkin.missed", target=checkin)
            missed += 1
    scheduled = 0
    residents = (CareResident.objects.filter(active=True, lives_alone=True, checkin_every_days__gt=0)
                 .exclude(checkins__status=Status.DUE))
    for resident in residents:
        with transaction.atomic():
            scheduled += _schedule(resident, today) is not None
    return {"missed": missed, "scheduled": scheduled}


@transaction.atomic
def care_checkin_record(*, actor: User, checkin: CareCheckIn, note: str = "") -> CareCheckIn:
    """The desk (or the liaison's visit, entered by the desk) reached the resident: done, the next one due."""
    require(scope_for(actor).can_work_care(checkin.resident.place_path),
            _("Only the care desk records check-ins."))
    checkin = CareCheckIn.objects.select_for_update().select_related("resident").get(pk=checkin.pk)
    if checkin.status == Status.DONE:
        return checkin
    checkin.status, checkin.done_at, checkin.done_by, checkin.note = Status.DONE, timezone.now(), actor, note[:300]
    checkin.save(update_fields=["status", "done_at", "done_by", "note"])
    audit_event_record(actor=actor, action="care.checkin.done", target=checkin)
    _schedule(checkin.resident, timezone.localdate(), after=checkin.due_on)
    return checkin
