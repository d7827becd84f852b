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

from agency.models import CommissionStatement, CounterTransaction, DailyCashClose, FloatTopUpRequest
from core.state_machine import StateMachine, Transition

Tx = CounterTransaction.Status
TopUp, Close, Statement = FloatTopUpRequest.Status, DailyCashClose.Status, CommissionStatement.Status

TRANSACTION: Final = StateMachine(Tx, [
    Transition("succeed", frozenset({Tx.PENDING, Tx.UNKNOWN}), Tx.SUCCEEDED),
    Transition("fail", frozenset({Tx.PENDING, Tx.UNKNOWN}), Tx.FAILED),
    Transition("time_out", frozenset({Tx.PENDING}), Tx.UNKNOWN),
    Transition("reverse", frozenset({Tx.SUCCEEDED}), Tx.REVERSED),
])
TOP_UP: Final = StateMachine(TopUp, [
    Transition("approve", frozenset({TopUp.REQUESTED}), TopUp.APPROVED),
    Transition("reject", frozenset({TopUp.REQUESTED}), TopUp.REJECTED),
])
CLOSE: Final = StateMachine(Close, [
    Transition("approve", frozenset({Close.AWAITING_APPROVAL}), Close.APPROVED),
    Transition("reject", frozenset({Close.AWAITING_APPROVAL}), Close.REJECTED),
])
STATEMENT: Final = StateMachine(Statement, [
    Transition("approve", frozenset({Statement.GENERATED}), Statement.APPROVED),
    Transition("pay", frozenset({Statement.APPROVED}), Statement.PAID),
])

# Statuses a transaction does not leave by itself: nothing more will happen without a person.
FINAL_TRANSACTION_STATUSES: Final = frozenset({Tx.SUCCEEDED, Tx.FAILED, Tx.REVERSED})
