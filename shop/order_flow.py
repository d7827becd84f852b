"""The life of one merchant's part of an order, as one explicit transition table. Pure: no queries.

    from       to          who                 only for
    ---------  ----------  ------------------  ---------
    placed     confirmed   merchant
    placed     cancelled   merchant, admin
    confirmed  sent        merchant                        (handed to the station's delivery run,
                                                            or out for home delivery)
    confirmed  cancelled   merchant, admin
    sent       ready       operator            pick-up     (arrived at the station: SMS with the code)
    sent       delivered   merchant            delivery
    ready      collected   operator            pick-up     (the resident gave the right code)
    ready      returned    operator            pick-up     (not collected, or refused at the counter)
    collected  returned    operator            pick-up     (brought back to the counter)
    delivered  returned    merchant            delivery
    cancelled  refunded    merchant, admin                 (only if money was taken)
    returned   refunded    merchant, admin                 (only if money was taken)

"Who" is the kind of actor; that the actor is *this* part's merchant or works at *this* part's
station is checked by the services.
"""

from enum import StrEnum
from typing import Final

from django.utils.translation import gettext_lazy as _

from core.state_machine import StateMachine, Transition
from shop.models.orders import Fulfilment, OrderPart

Status = OrderPart.Status
PICKUP, DELIVERY = Fulfilment.Method.PICKUP, Fulfilment.Method.DELIVERY


class Actor(StrEnum):
    MERCHANT = "merchant"
    OPERATOR = "operator"
    ADMIN = "admin"


_BOTH: Final = frozenset({PICKUP, DELIVERY})


def _move(old: Status, new: Status, actors: set[Actor], methods: frozenset[str] = _BOTH) -> Transition:
    # The action is the new status; the move applies to these fulfilment methods, then these actors.
    return Transition(new, frozenset({old}), new, only={"method": methods, "actor": frozenset(actors)})


TRANSITIONS: Final = (
    _move(Status.PLACED, Status.CONFIRMED, {Actor.MERCHANT}),
    _move(Status.PLACED, Status.CANCELLED, {Actor.MERCHANT, Actor.ADMIN}),
    _move(Status.CONFIRMED, Status.SENT, {Actor.MERCHANT}),
    _move(Status.CONFIRMED, Status.CANCELLED, {Actor.MERCHANT, Actor.ADMIN}),
    _move(Status.SENT, Status.READY, {Actor.OPERATOR}, frozenset({PICKUP})),
    _move(Status.SENT, Status.DELIVERED, {Actor.MERCHANT}, frozenset({DELIVERY})),
    _move(Status.READY, Status.COLLECTED, {Actor.OPERATOR}, frozenset({PICKUP})),
    _move(Status.READY, Status.RETURNED, {Actor.OPERATOR}, frozenset({PICKUP})),
    _move(Status.COLLECTED, Status.RETURNED, {Actor.OPERATOR}, frozenset({PICKUP})),
    _move(Status.DELIVERED, Status.RETURNED, {Actor.MERCHANT}, frozenset({DELIVERY})),
    _move(Status.CANCELLED, Status.REFUNDED, {Actor.MERCHANT, Actor.ADMIN}),
    _move(Status.RETURNED, Status.REFUNDED, {Actor.MERCHANT, Actor.ADMIN}),
)
MACHINE: Final = StateMachine(
    Status, TRANSITIONS, code="illegal_move",
    refused=_("An order part that is “%(from)s” cannot become “%(to)s”."),
    refused_when={"actor": (_("You may not make this order part “%(to)s”."), "not_your_move")})

# Moves after which the resident has the goods: the station's commission and the merchant's payable.
HANDED_OVER: Final = frozenset({Status.COLLECTED, Status.DELIVERED})
# A reason is part of the record for these.
NEEDS_REASON: Final = frozenset({Status.CANCELLED, Status.RETURNED})
# Parts still moving towards the resident.
OPEN_STATUSES: Final = frozenset({Status.PLACED, Status.CONFIRMED, Status.SENT, Status.READY})

# The buttons' words, which say what the actor does rather than where the part ends up.
ACTION_LABELS: Final = {
    Status.CONFIRMED: _("Confirm the order"),
    Status.SENT: _("Mark as sent"),
    Status.READY: _("Received at the station"),
    Status.DELIVERED: _("Mark as delivered"),
    Status.COLLECTED: _("Hand over"),
    Status.RETURNED: _("Record a return"),
    Status.CANCELLED: _("Cancel"),
    Status.REFUNDED: _("Refund"),
}


def check_move(status: str, new: str, *, method: str, actor: Actor) -> None:
    """Raises TransitionNotAllowed (code "illegal_move", or "not_your_move" for the wrong actor)."""
    MACHINE.check(Status(status), Status(new), method=method, actor=actor)


def allowed_moves(status: str, *, method: str, actor: Actor) -> list[Status]:
    """Statuses `actor` may move a part in `status` to, in table order (for the screens' buttons)."""
    return [Status(new) for new in MACHINE.allowed_actions(status, method=method, actor=actor)]
