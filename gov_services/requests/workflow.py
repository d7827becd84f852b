"""The request workflow as one explicit transition table (pure: no queries, no I/O).

Each action is allowed from a set of statuses and leads to one status:

    action                 from                                   to
    ---------------------  -------------------------------------  -------------------------------
    accept                 submitted                              accepted     (clock starts: due_at)
    return_for_supplement  submitted | accepted | under_review    returned     (补正; clock pauses)
    resubmit               returned                               the status it was returned from
                                                                               (clock resumes, due_at moves)
    reject                 submitted                              rejected     (不予受理; reason required)
    start_review           accepted                               under_review
    approve                under_review                           approved
    refuse                 under_review                           refused      (reason required)
    complete               approved | refused                     completed    (result issued)
    rate                   completed                              rated        (by the resident, once)
    close                  rated | completed | rejected           closed
    expire                 returned                               closed       (the supervision sweep: the
                                                                               supplement never came)

Actions that do not move the status (the request stays where it is):

    reroute                submitted | accepted | under_review | returned    (another department)
    claim, assign,         submitted | returned | accepted | under_review |  (one officer at a time)
    transfer               approved | refused
    note                   any status                                         (internal or public note)
    step_done              accepted | under_review                            (an optional step: inspection,
                                                                              public notice; gov_services/requests/steps.py)

"submit" is the first event of every request; nothing transitions *to* it, so it is not in
the table. Neither are the supervision sweep's events (card_yellow, card_red, escalate): they
record a card or an escalation step and never move the status. Who may take an action is not this
module's business: the services check that.
"""

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.state_machine import SAME, StateMachine, Transition
from gov_services.requests.models.requests import ServiceRequest

Status = ServiceRequest.Status

# Appeals (诉求) have no catalogue item and so no promised limit; the county's default applies.
# The seeds give no figure; five working days is an assumed default, to be confirmed with the county.
APPEAL_LIMIT_DAYS: Final = 5


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    ACCEPT = "accept", _("Accept")
    RETURN_FOR_SUPPLEMENT = "return_for_supplement", _("Return for supplement")
    RESUBMIT = "resubmit", _("Resubmit")
    REJECT = "reject", _("Reject")
    START_REVIEW = "start_review", _("Start review")
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")
    COMPLETE = "complete", _("Complete")
    RATE = "rate", _("Rate")
    CLOSE = "close", _("Close")
    REROUTE = "reroute", _("Reroute")
    CLAIM = "claim", _("Claim")
    ASSIGN = "assign", _("Assign")
    TRANSFER = "transfer", _("Transfer")
    NOTE = "note", _("Note")
    EXPIRE = "expire", _("Closed: supplement not brought")
    CARD_YELLOW = "card_yellow", _("Yellow card")
    CARD_RED = "card_red", _("Red card")
    ESCALATE = "escalate", _("Escalated")
    # Follow-up of a bad rating: none of these moves the status (they are not in TRANSITIONS).
    RERATE = "rerate", _("Rated again after the callback")
    RATING_APPEAL = "rating_appeal", _("Rating appealed by the department")
    RATING_APPEAL_DECIDED = "rating_appeal_decided", _("Rating appeal decided by the county")
    # A resident's own report (gov_services/requests/services/reports.py): neither moves the status either.
    PUBLIC_REPLY = "public_reply", _("Public reply from the department")
    ADD_INFORMATION = "add_information", _("Information added by the resident")
    # An optional step of the item (site inspection, public notice) done: no status moves (steps.py).
    STEP_DONE = "step_done", _("Step done")


# Targets that are not a fixed status.
RETURNED_FROM: Final = "=returned-from"  # resubmit: back to where the request was returned from

_WORKING = frozenset({Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED, Status.UNDER_REVIEW,
                      Status.APPROVED, Status.REFUSED})

TRANSITIONS: Final = (
    Transition(Action.ACCEPT, frozenset({Status.SUBMITTED}), Status.ACCEPTED),
    Transition(Action.RETURN_FOR_SUPPLEMENT, frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.UNDER_REVIEW}),
               Status.RETURNED),
    Transition(Action.RESUBMIT, frozenset({Status.RETURNED}), RETURNED_FROM),
    Transition(Action.REJECT, frozenset({Status.SUBMITTED}), Status.REJECTED),
    Transition(Action.START_REVIEW, frozenset({Status.ACCEPTED}), Status.UNDER_REVIEW),
    Transition(Action.APPROVE, frozenset({Status.UNDER_REVIEW}), Status.APPROVED),
    Transition(Action.REFUSE, frozenset({Status.UNDER_REVIEW}), Status.REFUSED),
    Transition(Action.COMPLETE, frozenset({Status.APPROVED, Status.REFUSED}), Status.COMPLETED),
    Transition(Action.RATE, frozenset({Status.COMPLETED}), Status.RATED),
    Transition(Action.CLOSE, frozenset({Status.RATED, Status.COMPLETED, Status.REJECTED}), Status.CLOSED),
    Transition(Action.EXPIRE, frozenset({Status.RETURNED}), Status.CLOSED),
    Transition(Action.REROUTE, frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.UNDER_REVIEW, Status.RETURNED}),
               SAME),
    Transition(Action.CLAIM, _WORKING, SAME),
    Transition(Action.ASSIGN, _WORKING, SAME),
    Transition(Action.TRANSFER, _WORKING, SAME),
    Transition(Action.NOTE, frozenset(Status), SAME),
    Transition(Action.STEP_DONE, frozenset({Status.ACCEPTED, Status.UNDER_REVIEW}), SAME),
)
MACHINE: Final = StateMachine(
    Status, TRANSITIONS, actions=Action,
    refused=_("“%(action)s” is not possible while the request is “%(status)s”."),
    unknown=_("“%(action)s” is not a workflow action."))

# Statuses a request can be returned from, hence the only ones resubmit may go back to.
RETURNABLE: Final = next(t.sources for t in TRANSITIONS if t.action == Action.RETURN_FOR_SUPPLEMENT)

# Statuses in which the department still owes the resident something (its work queue).
OPEN_STATUSES: Final = _WORKING

# The working-day clock runs only while the department holds an accepted request.
CLOCK_RUNNING: Final = frozenset({Status.ACCEPTED, Status.UNDER_REVIEW, Status.APPROVED, Status.REFUSED})


# Actions whose services write nothing the report rollups count (reports/rollups.py: when and where a
# request was filed, its department, item and channel, acceptance, due date, completion, rating, follow-up
# and returns) — who holds the request, its steps and status, notes, appeals not yet decided, supervision
# marks. request_event_record and request_events_record_many recount a request after any other action, so
# a new action is recounted until it is put here; tests/reports/test_request_rollups.py checks each one.
FIGURES_UNCHANGED: Final = frozenset({
    Action.NOTE, Action.CLAIM, Action.ASSIGN, Action.TRANSFER, Action.STEP_DONE, Action.START_REVIEW,
    Action.APPROVE, Action.REFUSE, Action.REJECT, Action.CLOSE, Action.EXPIRE, Action.RATING_APPEAL,
    Action.PUBLIC_REPLY, Action.ADD_INFORMATION, Action.CARD_YELLOW, Action.CARD_RED, Action.ESCALATE})


def transition(status: str, action: str, *, returned_from: str | None = None) -> str:
    """The status after `action` on a request in `status`; raises TransitionNotAllowed if not allowed.

    `returned_from` is required for resubmit: the status stored in the return event's data.
    """
    status, action = Status(status), Action(action)
    target = MACHINE.target(status, action)
    if target == SAME:
        return status
    if target == RETURNED_FROM:
        if returned_from not in RETURNABLE:
            raise ValueError(f"resubmit needs the status the request was returned from, not {returned_from!r}")
        return Status(returned_from)
    return Status(target)


def allowed_actions(status: str) -> list[Action]:
    """Actions the table allows in `status`, in table order (for the screens' buttons)."""
    return [Action(action) for action in MACHINE.allowed_actions(Status(status))]
