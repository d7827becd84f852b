"""The care call's minute clock (pure): how long each step may take, and which are late.

From the moment a call is taken the responder must accept, then arrive, then complete, each within
its limit counted from the previous step (urgent calls run on tighter limits). A step still not done
after its limit is late; the desk gets one alert per late step (services.calls.care_calls_sweep).
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
