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

"submit" is the first event of every request; nothing transitions *to* it, so it is not in
the table. Neither are the supervision sweep's events (card_yellow, card_red, escalate): they
record a card or an escalation step and never move the status. Who may take an action is not this
module's business: the services check that.
"""

from typing import Final

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gov_services.models.requests import ServiceRequest

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


# Targets that are not a fixed status.
SAME: Final = "=same"                    # non-status actions: the status does not change
RETURNED_FROM: Final = "=returned-from"  # resubmit: back to where the request was returned from

_WORKING = frozenset({Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED, Status.UNDER_REVIEW,
                      Status.APPROVED, Status.REFUSED})

TRANSITIONS: Final[dict[Action, tuple[frozenset[Status], str]]] = {
    Action.ACCEPT: (frozenset({Status.SUBMITTED}), Status.ACCEPTED),
    Action.RETURN_FOR_SUPPLEMENT: (frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.UNDER_REVIEW}),
                                   Status.RETURNED),
    Action.RESUBMIT: (frozenset({Status.RETURNED}), RETURNED_FROM),
    Action.REJECT: (frozenset({Status.SUBMITTED}), Status.REJECTED),
    Action.START_REVIEW: (frozenset({Status.ACCEPTED}), Status.UNDER_REVIEW),
    Action.APPROVE: (frozenset({Status.UNDER_REVIEW}), Status.APPROVED),
    Action.REFUSE: (frozenset({Status.UNDER_REVIEW}), Status.REFUSED),
    Action.COMPLETE: (frozenset({Status.APPROVED, Status.REFUSED}), Status.COMPLETED),
    Action.RATE: (frozenset({Status.COMPLETED}), Status.RATED),
    Action.CLOSE: (frozenset({Status.RATED, Status.COMPLETED, Status.REJECTED}), Status.CLOSED),
    Action.EXPIRE: (frozenset({Status.RETURNED}), Status.CLOSED),
    Action.REROUTE: (frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.UNDER_REVIEW, Status.RETURNED}), SAME),
    Action.CLAIM: (_WORKING, SAME),
    Action.ASSIGN: (_WORKING, SAME),
    Action.TRANSFER: (_WORKING, SAME),
    Action.NOTE: (frozenset(Status), SAME),
}

# Statuses a request can be returned from, hence the only ones resubmit may go back to.
RETURNABLE: Final = TRANSITIONS[Action.RETURN_FOR_SUPPLEMENT][0]

# Statuses in which the department still owes the resident something (its work queue).
OPEN_STATUSES: Final = _WORKING

# The working-day clock runs only while the department holds an accepted request.
CLOCK_RUNNING: Final = frozenset({Status.ACCEPTED, Status.UNDER_REVIEW, Status.APPROVED, Status.REFUSED})


class IllegalTransition(ValidationError):
    """An action that the request's current status does not allow."""


def transition(status: str, action: str, *, returned_from: str | None = None) -> str:
    """The status after `action` on a request in `status`; raises IllegalTransition if not allowed.

    `returned_from` is required for resubmit: the status stored in the return event's data.
    """
    status, action = Status(status), Action(action)
    if action not in TRANSITIONS:
        raise IllegalTransition(gettext("“%(action)s” is not a workflow action."),
                                code="illegal_transition", params={"action": action.label})
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise IllegalTransition(
            gettext("“%(action)s” is not possible while the request is “%(status)s”."),
            code="illegal_transition", params={"status": status.label, "action": action.label})
    if target == SAME:
        return status
    if target == RETURNED_FROM:
        if returned_from not in RETURNABLE:
            raise ValueError(f"resubmit needs the status the request was returned from, not {returned_from!r}")
        return Status(returned_from)
    return Status(target)


def allowed_actions(status: str) -> list[Action]:
    """Actions the table allows in `status`, in table order (for the screens' buttons)."""
    return [action for action, (sources, _target) in TRANSITIONS.items() if Status(status) in sources]
