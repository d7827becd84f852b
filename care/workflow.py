"""A care call's transition table (pure): who moves a call from which status to which.

    new ─offer─▶ offered ─accept─▶ accepted ─arrive─▶ arrived ─complete─▶ completed ─confirm─▶ confirmed
    offered ─offer─▶ offered (declined or timed out: the next responder)
    new | offered | unassigned ─exhaust─▶ unassigned (nobody left) ─offer─▶ offered
    new | offered | unassigned | accepted ─cancel─▶ cancelled
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from care.models import CareCall
from core.state_machine import StateMachine, Transition

S = CareCall.Status


class Action(models.TextChoices):
    OFFER = "offer", _("Offer to a responder")
    EXHAUST = "exhaust", _("No responder left")
    ACCEPT = "accept", _("Accept")
    ARRIVE = "arrive", _("Arrive")
    COMPLETE = "complete", _("Complete")
    CONFIRM = "confirm", _("Confirm and rate")
    CANCEL = "cancel", _("Cancel")


CALL_MACHINE = StateMachine(
    S,
    [
        Transition(Action.OFFER, frozenset({S.NEW, S.OFFERED, S.UNASSIGNED}), S.OFFERED),
        Transition(Action.EXHAUST, frozenset({S.NEW, S.OFFERED, S.UNASSIGNED}), S.UNASSIGNED),
        Transition(Action.ACCEPT, frozenset({S.OFFERED}), S.ACCEPTED),
        Transition(Action.ARRIVE, frozenset({S.ACCEPTED}), S.ARRIVED),
        Transition(Action.COMPLETE, frozenset({S.ARRIVED}), S.COMPLETED),
        Transition(Action.CONFIRM, frozenset({S.COMPLETED}), S.CONFIRMED),
        Transition(Action.CANCEL, frozenset({S.NEW, S.OFFERED, S.UNASSIGNED, S.ACCEPTED}), S.CANCELLED),
    ],
    actions=Action,
    refused=_("This call cannot be moved on (“%(action)s”) while it is “%(status)s”."),
)
