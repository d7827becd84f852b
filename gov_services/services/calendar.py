"""Writes of the working-day calendar (CalendarDay); each forgets the cached calendar and leaves an audit event."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from gov_services.models import CalendarDay
from gov_services.selectors.calendar import calendar_changed


@transaction.atomic
def calendar_day_add(*, actor: User | None, date: datetime.date, kind: str, name: str) -> CalendarDay:
    """Add a public holiday (any day of the week) or a make-up working day (Saturday or Sunday only)."""
    errors: dict[str, list[str]] = {}
    if kind not in CalendarDay.Kind.values:
        errors.setdefault("kind", []).append(_("Choose a valid kind of day."))
    if kind == CalendarDay.Kind.WORKDAY and date.weekday() < 5:
        errors.setdefault("date", []).append(
            _("A make-up working day must be a Saturday or Sunday: weekdays are working days already."))
    if CalendarDay.objects.filter(date=date).exists():
        errors.setdefault("date", []).append(_("%(date)s is already in the calendar.") % {"date": date.isoformat()})
    if not name.strip():
        errors.setdefault("name", []).append(_("Give the day a name."))
    if errors:
        raise ValidationError(errors)
    day = CalendarDay(date=date, kind=kind, name=name.strip())
    day.full_clean()
    day.save()
    calendar_changed()
    audit_event_record(actor=actor, action="calendar_day.added", target=day,
                       data={"date": date.isoformat(), "kind": kind, "name": day.name})
    return day


@transaction.atomic
def calendar_day_delete(*, day: CalendarDay, actor: User | None) -> None:
    audit_event_record(actor=actor, action="calendar_day.deleted", target=day,
                       data={"date": day.date.isoformat(), "kind": day.kind, "name": day.name})
    day.delete()
    calendar_changed()
