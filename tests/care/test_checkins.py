"""Check-ins for residents living alone: scheduled weekly, recorded, missed ones alerted once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from care.models import CareAlert, CareCheckIn
from care.services.checkins import care_checkin_record, care_checkins_sweep

pytestmark = pytest.mark.django_db


def test_the_sweep_schedules_one_check_in_a_week_after_registration(world):
    today = timezone.localdate()
    assert care_checkins_sweep(today=today)["scheduled"] == 1
    assert care_checkins_sweep(today=today)["scheduled"] == 0
    checkin = CareCheckIn.objects.get()
    assert checkin.due_on == timezone.localdate(world["resident"].created_at) + timedelta(days=7)


def test_a_missed_check_in_alerts_once_and_the_next_is_due_at_once(world):
    today = timezone.localdate()
    care_checkins_sweep(today=today)
    checkin = CareCheckIn.objects.get()
    later = checkin.due_on + timedelta(days=2)
    result = care_checkins_sweep(today=later)
    assert result["missed"] == 1
    assert care_checkins_sweep(today=later)["missed"] == 0
    checkin.refresh_from_db()
    assert checkin.status == CareCheckIn.Status.MISSED
    assert CareAlert.objects.filter(kind=CareAlert.Kind.MISSED_CHECKIN).count() == 1
    assert CareCheckIn.objects.get(status=CareCheckIn.Status.DUE).due_on == later


def test_recording_a_check_in_schedules_the_next_a_week_later(world):
    care_checkins_sweep()
    checkin = CareCheckIn.objects.get()
    care_checkin_record(actor=world["operator"], checkin=checkin, note="身体好")
    care_checkin_record(actor=world["operator"], checkin=checkin, note="身体好")  # twice: once
    # Done early (on registration day): the next is a week after the one that was due, not on its day.
    assert CareCheckIn.objects.get(status=CareCheckIn.Status.DUE).due_on == checkin.due_on + timedelta(days=7)
    assert CareCheckIn.objects.filter(status=CareCheckIn.Status.DONE).count() == 1


def test_a_resident_not_living_alone_or_with_no_interval_gets_none(world):
    resident = world["resident"]
    resident.checkin_every_days = 0
    resident.save()
    assert care_checkins_sweep()["scheduled"] == 0
