"""care/clock.py and care/checkins.py: the minute clock and the check-in calendar (pure)."""

from datetime import date, datetime, timedelta

from care import checkins, clock

T0 = datetime(2026, 12, 6, 9, 0)


def times(**fields):
    return {"urgency": "routine", "created_at": T0, "accepted_at": None, "arrived_at": None,
            "completed_at": None, **fields}


def test_accepting_is_late_after_its_limit_counted_from_the_call():
    limit = clock.LIMITS["routine"]["accept"]
    assert clock.late_steps(T0 + timedelta(minutes=limit), **times()) == []
    assert clock.late_steps(T0 + timedelta(minutes=limit, seconds=1), **times()) == ["accept"]


def test_urgent_calls_run_on_tighter_limits():
    at = T0 + timedelta(minutes=clock.LIMITS["urgent"]["accept"] + 1)
    assert clock.late_steps(at, **times(urgency="urgent")) == ["accept"]
    assert clock.late_steps(at, **times()) == []


def test_each_step_counts_from_the_one_before():
    accepted = T0 + timedelta(minutes=3)
    limit = clock.LIMITS["routine"]["arrive"]
    assert clock.late_steps(accepted + timedelta(minutes=limit - 1), **times(accepted_at=accepted)) == []
    assert clock.late_steps(accepted + timedelta(minutes=limit + 1), **times(accepted_at=accepted)) == ["arrive"]


def test_a_finished_call_is_never_late_and_minutes_are_measured():
    done = times(accepted_at=T0 + timedelta(minutes=4), arrived_at=T0 + timedelta(minutes=30),
                 completed_at=T0 + timedelta(minutes=50))
    assert clock.late_steps(T0 + timedelta(days=3), **done) == []
    assert [s.minutes_taken() for s in clock.steps(**done)] == [4, 26, 20]


def test_later_steps_have_no_clock_until_the_earlier_is_done():
    steps = clock.steps(**times())
    assert steps[1].due_at is None and steps[2].due_at is None


def test_next_check_in_is_weekly_from_the_last_one_done_and_never_in_the_past():
    today = date(2026, 12, 6)
    assert checkins.next_due(every_days=7, last_done=date(2026, 12, 1), registered_on=date(2026, 1, 1),
                             today=today) == date(2026, 12, 8)
    assert checkins.next_due(every_days=7, last_done=None, registered_on=date(2026, 12, 5), today=today) == date(2026, 12, 12)
    assert checkins.next_due(every_days=7, last_done=date(2026, 11, 1), registered_on=date(2026, 1, 1),
                             today=today) == today
    assert checkins.next_due(every_days=0, last_done=None, registered_on=today, today=today) is None
    # done early, on the day before it was due: the next one is a week after the due day
    assert checkins.next_due(every_days=7, last_done=date(2026, 12, 5), registered_on=date(2026, 1, 1),
                             today=date(2026, 12, 5), after=date(2026, 12, 12)) == date(2026, 12, 19)


def test_a_check_in_is_missed_the_day_after_its_grace_day():
    assert not checkins.is_missed(due_on=date(2026, 12, 6), today=date(2026, 12, 7))
    assert checkins.is_missed(due_on=date(2026, 12, 6), today=date(2026, 12, 8))
