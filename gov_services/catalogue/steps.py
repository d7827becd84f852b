"""An item's approval steps as rules (pure: no ORM). An item's steps are accept → … → approve with optional
site inspection and public notice in between; each has its own limit in working days.

* Acceptance starts when the request is filed; its limit is the time the department has to accept.
* The request's overall limit (ServiceItem.promised_limit_days, counted from acceptance as before) is
  the sum of the limits of the steps after acceptance, unless the item sets it by hand.
* Separation of duties: a step lists the earlier steps whose doer may not do it (reviewer ≠ approver).

Which workflow action completes which step of a running request is the requests' side
(gov_services/requests/steps.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from gov_services.catalogue.models import StepKind, StepRole

REQUIRED_KINDS: Final = (StepKind.ACCEPT, StepKind.REVIEW, StepKind.APPROVE)
OPTIONAL_KINDS: Final = frozenset({StepKind.INSPECTION, StepKind.NOTICE})


@dataclass(frozen=True)
class StepPlan:
    kind: str
    limit_days: int
    role: str = StepRole.OFFICER
    separate_from: tuple[str, ...] = field(default=())


def default_plan(promised_limit_days: int) -> list[StepPlan]:
    """What an item without steps of its own goes through (the migration gave today's items the same):
    accept within a working day; the promised limit split between review and approval."""
    approve = promised_limit_days // 2
    return [StepPlan(StepKind.ACCEPT, 1), StepPlan(StepKind.REVIEW, promised_limit_days - approve),
            StepPlan(StepKind.APPROVE, approve)]


def overall_limit(plan: list[StepPlan]) -> int:
    """The sum of the limits of the steps after acceptance (the clock of the whole request starts there)."""
    return sum(step.limit_days for step in plan if step.kind != StepKind.ACCEPT)


def plan_errors(plan: list[StepPlan]) -> list[str]:
    """Why a list of steps is not a valid approval, as message ids (translated by the caller); [] if valid."""
    kinds = [step.kind for step in plan]
    errors = []
    if len(set(kinds)) != len(kinds):
        errors.append("duplicate")
    if any(kinds.count(kind) != 1 for kind in REQUIRED_KINDS):
        errors.append("required")
    elif kinds[0] != StepKind.ACCEPT or kinds[-1] != StepKind.APPROVE:
        errors.append("order")
    for position, step in enumerate(plan):
        earlier = set(kinds[:position])
        if any(kind not in earlier for kind in step.separate_from):
            errors.append("separate_later")
            break
    return errors
