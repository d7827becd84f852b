"""Approval steps of a running request as rules (pure: no ORM): the workflow action that completes each
step (gov_services/requests/workflow.py). An item's steps and their rules (which steps, limits, separation of
duties) are the catalogue's: gov_services/catalogue/steps.py.

accept/reject complete acceptance; start_review completes review ("review done, sent for approval");
approve/refuse complete approval; step_done completes an optional step (inspection, notice) and moves no
status.
"""

from __future__ import annotations

from typing import Final

from gov_services.catalogue.models import StepKind
from gov_services.requests.workflow import Action

# The step each status-moving action completes (step_done: whichever optional step is current).
STEP_OF_ACTION: Final = {
    Action.ACCEPT: StepKind.ACCEPT,
    Action.REJECT: StepKind.ACCEPT,
    Action.START_REVIEW: StepKind.REVIEW,
    Action.APPROVE: StepKind.APPROVE,
    Action.REFUSE: StepKind.APPROVE,
}
STEP_ACTIONS: Final = frozenset({*STEP_OF_ACTION, Action.STEP_DONE})
