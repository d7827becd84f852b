"""The care call's minute clock (pure): how long each step may take, and which are late.

From the moment a call is taken the responder must accept, then arrive, then complete, each within
its limit counted from the previous step (urgent calls run on tighter limits). A step still not done
after its limit is late; the desk gets one alert per late step (services.calls.care_calls_sweep).

Like the government-service chain (a card, then escalation up the chain), a late step climbs: late by
its limit, the care desk of the resident's place is alerted (and the operator who took the call); still
not done when its limit has passed again, it is escalated to the admins of the resident's township and
county. Each (step, level) is raised once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

STEPS = ("accept", "arrive", "complete")
STEP_LABELS = {"accept": _("accept"), "arrive": _("arrive at the door"), "complete": _("complete")}

# Minutes per step: (accept, arrive, complete), counted from the previous step.
LIMITS = {
    "urgent": {"accept": 5, "arrive": 30, "complete": 60},
    "routine": {"accept": 15, "arrive": 120, "complete": 120},
}


@dataclass(frozen=True)
class Step:
    name: str
    started_at: datetime | None  # when the clock for this step began (None: not yet)
    due_at: datetime | None
    done_at: datetime | None

    def late(self, now: datetime) -> bool:
        return self.done_at is None and self.due_at is not None and now > self.due_at

    def minutes_taken(self) -> int | None:
        if self.started_at is None or self.done_at is None:
            return None
        return int((self.done_at - self.started_at).total_seconds() // 60)


def steps(*, urgency: str, created_at: datetime, accepted_at: datetime | None, arrived_at: datetime | None,
          completed_at: datetime | None) -> list[Step]:
    """The three steps with when each began, is due and was done. A step's clock starts when the one
    before it is done (accepting: when the call was taken)."""
    limits = LIMITS[urgency]
    done = {"accept": accepted_at, "arrive": arrived_at, "complete": completed_at}
    result, started = [], created_at
    for name in STEPS:
        due = started + timedelta(minutes=limits[name]) if started is not None else None
        result.append(Step(name, started, due, done[name]))
        started = done[name]
    return result


def late_steps(now: datetime, **call_times) -> list[str]:
    """The names of the steps late at `now` (at most one: later steps have not begun)."""
    return [step.name for step in steps(**call_times) if step.late(now)]


LATE, ESCALATED = "late", "escalated"
# How far along the chain a late step is, by the multiple of its limit that has passed since it began.
LEVELS = ((LATE, 1), (ESCALATED, 2))


def overdue(now: datetime, **call_times) -> list[tuple[str, str]]:
    """(step, level) for every level the late step has reached at `now`, lowest first."""
    result = []
    for step in steps(**call_times):
        if not step.late(now):
            continue
        limit = step.due_at - step.started_at
        result += [(step.name, level) for level, times in LEVELS if now > step.started_at + limit * times]
    return result


def mark(step: str, level: str) -> str:
    """How a raised (step, level) is kept on the call: the step alone for the first level (as always)."""
    return step if level == LATE else f"{step}:{level}"
