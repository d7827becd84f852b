"""The till's state machines as explicit transition tables (pure: no queries, no I/O).

Counter transaction:

    action     from                 to
    ---------  -------------------  ---------
    succeed    pending | unknown    succeeded  (provider confirmed; the journal is posted)
    fail       pending | unknown    failed     (provider declined, or a status query says so)
    time_out   pending              unknown    (no answer: resolved later by a status query)
    reverse    succeeded            reversed   (once, within the product's window; commission clawed back)

Float top-up:  approve, reject: requested → approved | rejected.
Daily close:   approve, reject: awaiting_approval → approved | rejected; recount: rejected → (new count).
Statement:     approve: generated → approved; pay: approved → paid.
"""

from typing import Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from agency.models import CommissionStatement, CounterTransaction, DailyCashClose, FloatTopUpRequest

Tx = CounterTransaction.Status

TRANSACTION_TRANSITIONS: Final[dict[str, tuple[frozenset[str], str]]] = {
    "succeed": (frozenset({Tx.PENDING, Tx.UNKNOWN}), Tx.SUCCEEDED),
    "fail": (frozenset({Tx.PENDING, Tx.UNKNOWN}), Tx.FAILED),
    "time_out": (frozenset({Tx.PENDING}), Tx.UNKNOWN),
    "reverse": (frozenset({Tx.SUCCEEDED}), Tx.REVERSED),
}
TOP_UP_TRANSITIONS: Final = {
    "approve": (frozenset({FloatTopUpRequest.Status.REQUESTED}), FloatTopUpRequest.Status.APPROVED),
    "reject": (frozenset({FloatTopUpRequest.Status.REQUESTED}), FloatTopUpRequest.Status.REJECTED),
}
CLOSE_TRANSITIONS: Final = {
    "approve": (frozenset({DailyCashClose.Status.AWAITING_APPROVAL}), DailyCashClose.Status.APPROVED),
    "reject": (frozenset({DailyCashClose.Status.AWAITING_APPROVAL}), DailyCashClose.Status.REJECTED),
}
STATEMENT_TRANSITIONS: Final = {
    "approve": (frozenset({CommissionStatement.Status.GENERATED}), CommissionStatement.Status.APPROVED),
    "pay": (frozenset({CommissionStatement.Status.APPROVED}), CommissionStatement.Status.PAID),
}

# Statuses a transaction does not leave by itself: nothing more will happen without a person.
FINAL_TRANSACTION_STATUSES: Final = frozenset({Tx.SUCCEEDED, Tx.FAILED, Tx.REVERSED})


class IllegalTransition(ValidationError):
    """A move the current status does not allow."""


def transition(table: dict, status_choices, status: str, action: str) -> str:
    """The status after `action` from `status` under `table`; IllegalTransition if not allowed."""
    sources, target = table[action]
    if status not in sources:
        raise IllegalTransition(
            gettext("This is not possible while the status is “%(status)s”."),
            code="illegal_transition", params={"status": status_choices(status).label})
    return target
