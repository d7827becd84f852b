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

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shop.models.orders import Fulfilment, OrderPart

Status = OrderPart.Status
PICKUP, DELIVERY = Fulfilment.Method.PICKUP, Fulfilment.Method.DELIVERY


class Actor(StrEnum):
    MERCHANT = "merchant"
    OPERATOR = "operator"
    ADMIN = "admin"


_BOTH: Final = frozenset({PICKUP, DELIVERY})

# (from, to): (actors who may make the move, fulfilment methods it applies to)
TRANSITIONS: Final[dict[tuple[Status, Status], tuple[frozenset[Actor], frozenset[str]]]] = {
    (Status.PLACED, Status.CONFIRMED): (frozenset({Actor.MERCHANT}), _BOTH),
    (Status.PLACED, Status.CANCELLED): (frozenset({Actor.MERCHANT, Actor.ADMIN}), _BOTH),
    (Status.CONFIRMED, Status.SENT): (frozenset({Actor.MERCHANT}), _BOTH),
    (Status.CONFIRMED, Status.CANCELLED): (frozenset({Actor.MERCHANT, Actor.ADMIN}), _BOTH),
    (Status.SENT, Status.READY): (frozenset({Actor.OPERATOR}), frozenset({PICKUP})),
    (Status.SENT, Status.DELIVERED): (frozenset({Actor.MERCHANT}), frozenset({DELIVERY})),
    (Status.READY, Status.COLLECTED): (frozenset({Actor.OPERATOR}), frozenset({PICKUP})),
    (Status.READY, Status.RETURNED): (frozenset({Actor.OPERATOR}), frozenset({PICKUP})),
    (Status.COLLECTED, Status.RETURNED): (frozenset({Actor.OPERATOR}), frozenset({PICKUP})),
    (Status.DELIVERED, Status.RETURNED): (frozenset({Actor.MERCHANT}), frozenset({DELIVERY})),
    (Status.CANCELLED, Status.REFUNDED): (frozenset({Actor.MERCHANT, Actor.ADMIN}), _BOTH),
    (Status.RETURNED, Status.REFUNDED): (frozenset({Actor.MERCHANT, Actor.ADMIN}), _BOTH),
}

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


class IllegalMove(ValidationError):
    """A move the table does not allow for this part, method or actor."""


def check_move(status: str, new: str, *, method: str, actor: Actor) -> None:
    rule = TRANSITIONS.get((Status(status), Status(new)))
    if rule is None or method not in rule[1]:
        raise IllegalMove(gettext("An order part that is “%(from)s” cannot become “%(to)s”.")
                          % {"from": Status(status).label, "to": Status(new).label}, code="illegal_move")
    if actor not in rule[0]:
        raise IllegalMove(gettext("You may not make this order part “%(to)s”.") % {"to": Status(new).label},
                          code="not_your_move")


def allowed_moves(status: str, *, method: str, actor: Actor) -> list[Status]:
    """Statuses `actor` may move a part in `status` to, in table order (for the screens' buttons)."""
    return [new for (old, new), (actors, methods) in TRANSITIONS.items()
            if old == status and actor in actors and method in methods]
