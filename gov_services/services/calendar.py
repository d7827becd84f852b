"""Writes of the working-day calendar (CalendarDay); each forgets the cached calendar and leaves an audit event."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_event_record
from gov_services.models import CalendarDay
from gov_services.selectors.calendar import calendar_changed, official_days, official_years


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
    day = CalendarDay(date=date, kind=kind, name=name.strip(), source=CalendarDay.Source.COUNTY)
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


@dataclass(frozen=True)
class YearLoad:
    year: int
    added: int
    kept: list[CalendarDay]  # the county's own days on dates the notice also names: left as they are


@transaction.atomic
def calendar_year_load(*, actor: User | None, year: int) -> YearLoad:
    """Load a year's official holidays and make-up working days from the published calendar.

    Idempotent: a date already in the calendar is left as it is — an official day is already there,
    and a county adjustment on that date wins over the notice."""
    published = official_days(year)
    if not published:
        raise ValidationError({"year": [_(
            "The official calendar for %(year)s is not in this version of Cunzhan yet (it knows %(years)s). "
            "Add the days by hand, or ask for the calendar library to be upgraded.") % {
            "year": year, "years": "、".join(str(y) for y in official_years()[-3:])}]})
    added, kept = 0, []
    for official in published:
        # get_or_create, not a bulk insert: two admins loading the same year at once both succeed.
        day, created = CalendarDay.objects.get_or_create(date=official.date, defaults={
            "kind": official.kind, "name": official.name, "source": CalendarDay.Source.OFFICIAL})
        if created:
            added += 1
            audit_event_record(actor=actor, action="calendar_day.loaded", target=day,
                               data={"date": day.date.isoformat(), "kind": day.kind, "name": day.name})
        elif day.source == CalendarDay.Source.COUNTY:
            kept.append(day)
    if added:
        calendar_changed()
    return YearLoad(year=year, added=added, kept=kept)
