"""The clock of the open care calls: the sweep that hands on offers whose time is up and alerts each newly
late step once (the desk, then the township and county admins), and the desk resolving an alert."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from care import clock, notifications
from care.models import CareAlert, CareCall, CareOffer
from care.services.calls.common import alert_raise, lock_call, record_event
from care.services.calls.dispatch import care_offer_expire
from core.audit import audit_event_record
from stations.scope import require, scope_for

OfferStatus = CareOffer.Status


@transaction.atomic
def care_alert_resolve(*, actor: User, alert: CareAlert) -> CareAlert:
    require(scope_for(actor).can_work_care(alert.village.path), _("Only the care desk resolves care alerts."))
    alert = CareAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.resolved_at is None:
        alert.resolved_at, alert.resolved_by = timezone.now(), actor
        alert.save(update_fields=["resolved_at", "resolved_by"])
        audit_event_record(actor=actor, action="care.alert.resolved", target=alert)
    return alert


def call_steps(call: CareCall) -> list[clock.Step]:
    return clock.steps(urgency=call.urgency, created_at=call.created_at, accepted_at=call.accepted_at,
                       arrived_at=call.arrived_at, completed_at=call.completed_at)


def care_calls_sweep() -> dict[str, int]:
    """Expire offers whose time is up (handing each call on) and alert each newly late step once."""
    now = timezone.now()
    expired = 0
    for offer_id in CareOffer.objects.filter(status=OfferStatus.OFFERED, expires_at__lte=now).values_list("pk", flat=True):
        expired += care_offer_expire(offer_id=offer_id)
    late = escalated = 0
    for call_id in CareCall.objects.filter(status__in=CareCall.OPEN_STATUSES).values_list("pk", flat=True):
        with transaction.atomic():
            call = lock_call(call_id)
            new = [(step, level) for step, level in clock.overdue(now, **_times(call))
                   if clock.mark(step, level) not in call.late_steps]
            if not new:
                continue
            for step, level in new:
                _raise_late(call, step, level)
            call.late_steps = [*call.late_steps, *(clock.mark(step, level) for step, level in new)]
            call.save(update_fields=["late_steps"])
            for level in (clock.LATE, clock.ESCALATED):
                steps = [step for step, at in new if at == level]
                if steps:
                    record_event(call, level, steps=steps)
            late += sum(level == clock.LATE for _step, level in new)
            escalated += sum(level == clock.ESCALATED for _step, level in new)
    return {"expired": expired, "late": late, "escalated": escalated}


def _raise_late(call: CareCall, step: str, level: str) -> None:
    """One (step, level) of the chain: the desk's alert, and the texts to whom that level concerns."""
    label = clock.STEP_LABELS[step]
    if level == clock.LATE:
        alert_raise(call.resident, kind=CareAlert.Kind.LATE, call=call, key=f"late:{call.pk}:{step}",
                    message=_("Call %(ref)s: the “%(step)s” step is late.") % {"ref": call.reference, "step": label})
        notifications.send_late_alert(call, str(label))
    else:
        alert_raise(call.resident, kind=CareAlert.Kind.ESCALATED, call=call, key=f"escalated:{call.pk}:{step}",
                    message=_("Call %(ref)s: the “%(step)s” step is still late; escalated to the township and "
                              "county admins.") % {"ref": call.reference, "step": label})
        notifications.send_escalation(call, str(label))


def _times(call: CareCall) -> dict:
    return {"urgency": call.urgency, "created_at": call.created_at, "accepted_at": call.accepted_at,
            "arrived_at": call.arrived_at, "completed_at": call.completed_at}
