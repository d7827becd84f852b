"""The till's rules as SQLite holds them (core/db_invariants.py makes the triggers after `migrate`).

PostgreSQL holds the same in agency/migrations/0007 (docs/database-invariants.md says where the two
differ: SQLite cannot defer a check to commit, so a journal's balance is checked as its last declared
line goes in, and a transaction inserted as succeeded is not checked for its journal).
The state machines are read from agency/states.py.
"""

from datetime import datetime

from agency import states
from agency.models import CommissionStatement, CounterTransaction, DailyCashClose, FloatTopUpRequest
from core.db_invariants import (
    Trigger,
    append_only,
    changed,
    columns_of,
    final_is_kept,
    kept,
    moves,
    refuse,
    sql_list,
    status_moves,
)
from core.timeutil import COUNTY_TZ

Tx = CounterTransaction.Status
Close = DailyCashClose.Status
Card = CounterTransaction.CardStatus

TRANSACTION_MOVES = moves(states.TRANSACTION, created=(Tx.PENDING, Tx.SUCCEEDED))
TOP_UP_MOVES = moves(states.TOP_UP, created=(FloatTopUpRequest.Status.REQUESTED,))
# A rejected count is replaced by the next count (services/closes.py daily_cash_close_submit).
CLOSE_MOVES = moves(states.CLOSE, created=(Close.BALANCED, Close.AWAITING_APPROVAL),
                    also=(f"{Close.REJECTED}>{Close.BALANCED}", f"{Close.REJECTED}>{Close.AWAITING_APPROVAL}"))
STATEMENT_MOVES = moves(states.STATEMENT, created=(CommissionStatement.Status.GENERATED,))
# The card's own state machine (services/card_payments.py): the reader's answer is kept once known,
# a charge is refunded (or waits for its refund) once.
CARD_MOVES = (f">{Card.CHARGED}", f">{Card.DECLINED}", f">{Card.UNKNOWN}", f"{Card.UNKNOWN}>{Card.CHARGED}",
              f"{Card.UNKNOWN}>{Card.DECLINED}", f"{Card.CHARGED}>{Card.REFUNDED}",
              f"{Card.CHARGED}>{Card.REFUND_PENDING}", f"{Card.REFUND_PENDING}>{Card.REFUNDED}")
SETTLED = (Tx.SUCCEEDED, Tx.FAILED, Tx.REVERSED)
REVERSAL_COLUMNS = ("reversed_at", "reversed_by_id", "reversal_reason")
CARD_COLUMNS = ("card_status", "card_charge_id", "card_brand", "card_last4", "card_refund_id")
STATEMENT_FIGURES = ("station_id", "month", "transaction_count", "gross_fen", "clawback_fen", "tax_fen", "net_fen",
                     "fees_fen", "generated_by_id", "generated_at")

_LINES = "(SELECT count(*) FROM agency_ledgerentry WHERE journal_id = NEW.journal_id)"
_DECLARED = "(SELECT line_count FROM agency_journal WHERE id = NEW.journal_id)"
_FLOAT_BALANCE = "(SELECT coalesce(sum(amount_fen), 0) FROM agency_ledgerentry WHERE account_id = NEW.account_id)"
_LEDGER_BALANCE = _FLOAT_BALANCE


def _ledger() -> list[Trigger]:
    return [
        *append_only("agency_account"), *append_only("agency_journal"), *append_only("agency_ledgerentry"),
        Trigger("cz_agency_ledgerentry_into_open_journal",
                f"BEFORE INSERT ON agency_ledgerentry WHEN {_LINES} >= {_DECLARED} "
                + refuse("the journal is posted (it holds its declared lines): no line can be added")),
        Trigger("cz_agency_ledgerentry_journal_balances",
                f"AFTER INSERT ON agency_ledgerentry WHEN {_LINES} = {_DECLARED} AND "
                "(SELECT sum(amount_fen) FROM agency_ledgerentry WHERE journal_id = NEW.journal_id) <> 0 "
                + refuse("the journal does not balance: its lines do not sum to zero")),
    ]


def _floats() -> list[Trigger]:
    return [
        *kept("agency_floatwallet"),
        Trigger("cz_agency_ledgerentry_moves_float_wallet",
                "AFTER INSERT ON agency_ledgerentry BEGIN UPDATE agency_floatwallet "
                "SET balance_fen = balance_fen + NEW.amount_fen WHERE account_id = NEW.account_id; END"),
        Trigger("cz_agency_floatwallet_starts_at_ledger",
                f"BEFORE INSERT ON agency_floatwallet WHEN NEW.balance_fen <> {_FLOAT_BALANCE} "
                + refuse("a float wallet starts at the balance of its ledger account")),
        Trigger("cz_agency_floatwallet_keeps_account",
                f"BEFORE UPDATE ON agency_floatwallet WHEN {changed(('account_id', 'station_id', 'float_group'))} "
                + refuse("a float wallet keeps its station, group and account")),
        # The entry is in when the trigger above moves the balance: any other figure is a stray UPDATE.
        Trigger("cz_agency_floatwallet_balance_is_ledger",
                f"BEFORE UPDATE OF balance_fen ON agency_floatwallet WHEN NEW.balance_fen <> OLD.balance_fen "
                f"AND NEW.balance_fen <> {_FLOAT_BALANCE} "
                + refuse("a float wallet balance moves only with float entries posted to the ledger")),
    ]


def _cash_balances() -> list[Trigger]:
    """A drawer's running balance (agency/migrations/0010 on PostgreSQL)."""
    return [
        *kept("agency_cashbalance"),
        Trigger("cz_agency_ledgerentry_moves_cash_balance",
                "AFTER INSERT ON agency_ledgerentry BEGIN UPDATE agency_cashbalance "
                "SET balance_fen = balance_fen + NEW.amount_fen WHERE account_id = NEW.account_id; END"),
        Trigger("cz_agency_cashbalance_starts_at_ledger",
                f"BEFORE INSERT ON agency_cashbalance WHEN NEW.balance_fen <> {_LEDGER_BALANCE} "
                + refuse("a cash balance starts at the balance of its ledger account")),
        Trigger("cz_agency_cashbalance_keeps_account",
                "BEFORE UPDATE ON agency_cashbalance WHEN NEW.account_id <> OLD.account_id "
                + refuse("a cash balance keeps its account")),
        Trigger("cz_agency_cashbalance_balance_is_ledger",
                "BEFORE UPDATE OF balance_fen ON agency_cashbalance WHEN NEW.balance_fen <> OLD.balance_fen "
                f"AND NEW.balance_fen <> {_LEDGER_BALANCE} "
                + refuse("a cash balance moves only with cash entries posted to the ledger")),
    ]


def _transactions() -> list[Trigger]:
    table = "agency_countertransaction"
    paid = columns_of(CounterTransaction, leaving=("id", "status", "reversed_at", "reversed_by", "reversal_reason",
                                                   *CARD_COLUMNS))
    return [
        *kept(table), *status_moves(table, TRANSACTION_MOVES),
        Trigger(f"cz_{table}_settled_is_kept",
                f"BEFORE UPDATE ON {table} WHEN OLD.status IN ({sql_list(SETTLED)}) AND {changed(paid)} "
                + refuse("the counter transaction is settled: what was paid is kept")),
        Trigger(f"cz_{table}_reversal_by_reversing",
                f"BEFORE UPDATE ON {table} WHEN {changed(REVERSAL_COLUMNS)} AND NOT (OLD.status = '{Tx.SUCCEEDED}' "
                f"AND NEW.status = '{Tx.REVERSED}') "
                + refuse("the reversal is recorded only by reversing the transaction")),
        Trigger(f"cz_{table}_card_moves",
                f"BEFORE UPDATE OF card_status ON {table} WHEN NEW.card_status <> OLD.card_status "
                f"AND OLD.card_status || '>' || NEW.card_status NOT IN ({sql_list(CARD_MOVES)}) "
                + refuse("card status move not in its state machine")),
        Trigger(f"cz_{table}_card_recorded_once",
                f"BEFORE UPDATE ON {table} WHEN {changed(('card_charge_id', 'card_brand', 'card_last4'))} "
                f"AND OLD.card_status NOT IN ('', '{Card.UNKNOWN}') OR NEW.card_refund_id <> OLD.card_refund_id "
                f"AND NEW.card_status <> '{Card.REFUNDED}' "
                + refuse("the card charge and refund are recorded once")),
        # Posted first, then marked (services/payments.py settle and counter_transaction_reverse). A
        # transaction inserted as succeeded posts after its insert, which SQLite cannot wait for.
        Trigger(f"cz_{table}_succeeded_is_posted",
                f"BEFORE UPDATE OF status ON {table} WHEN NEW.status <> OLD.status AND NEW.status = '{Tx.SUCCEEDED}' "
                "AND NOT EXISTS (SELECT 1 FROM agency_journal WHERE counter_transaction_id = NEW.id "
                "AND kind = 'payment') " + refuse("a succeeded counter transaction has its payment journal")),
        Trigger(f"cz_{table}_reversed_is_posted",
                f"BEFORE UPDATE OF status ON {table} WHEN NEW.status <> OLD.status AND NEW.status = '{Tx.REVERSED}' "
                "AND NOT EXISTS (SELECT 1 FROM agency_journal WHERE counter_transaction_id = NEW.id "
                "AND kind = 'reversal') " + refuse("a reversed counter transaction has its reversal journal")),
    ]


def _statements() -> list[Trigger]:
    table = "agency_commissionstatement"
    generated, approved, paid = (CommissionStatement.Status.GENERATED, CommissionStatement.Status.APPROVED,
                                 CommissionStatement.Status.PAID)
    return [
        *kept(table), *status_moves(table, STATEMENT_MOVES),
        *final_is_kept(table, columns_of(CommissionStatement), finals=(paid,)),
        Trigger(f"cz_{table}_figures_kept",
                f"BEFORE UPDATE ON {table} WHEN {changed(STATEMENT_FIGURES)} "
                + refuse("a commission statement keeps the figures it was generated with")),
        Trigger(f"cz_{table}_approval_by_approving",
                f"BEFORE UPDATE ON {table} WHEN {changed(('approved_by_id', 'approved_at'))} AND NOT "
                f"(OLD.status = '{generated}' AND NEW.status = '{approved}') OR "
                f"{changed(('paid_by_id', 'paid_at', 'payment_reference', 'payout_journal_id'))} AND NOT "
                f"(OLD.status = '{approved}' AND NEW.status = '{paid}') "
                + refuse("approval and payment are recorded by approving and paying the statement")),
        *append_only("agency_commissionstatementline"),
        Trigger("cz_agency_commissionstatementline_while_generated",
                "BEFORE INSERT ON agency_commissionstatementline WHEN (SELECT status FROM agency_commissionstatement "
                f"WHERE id = NEW.statement_id) <> '{generated}' "
                + refuse("the commission statement is approved: its lines are final")),
    ]


def _top_ups_and_closes() -> list[Trigger]:
    return [
        *kept("agency_floattopuprequest"), *status_moves("agency_floattopuprequest", TOP_UP_MOVES),
        *final_is_kept("agency_floattopuprequest", columns_of(FloatTopUpRequest),
                       finals=(FloatTopUpRequest.Status.APPROVED, FloatTopUpRequest.Status.REJECTED)),
        *kept("agency_dailycashclose"), *status_moves("agency_dailycashclose", CLOSE_MOVES),
        *final_is_kept("agency_dailycashclose", columns_of(DailyCashClose), finals=(Close.BALANCED, Close.APPROVED)),
    ]


def local_today_sql() -> str:
    """SQLite's today in the county (core.timeutil): its UTC date moved by the zone's offset (+08:00,
    Beijing time has no summer time)."""
    offset = datetime.now(COUNTY_TZ).utcoffset()
    return f"date('now', '{int(offset.total_seconds()) // 60:+d} minutes')"


def _plan_versions() -> list[Trigger]:
    """A version is never changed; one that has started is never removed (services/setup.py)."""
    table = "agency_commissionplanversion"
    return [
        Trigger(f"cz_{table}_no_update", f"BEFORE UPDATE ON {table} "
                + refuse("a commission plan version is never changed: a new version replaces it from a date")),
        Trigger(f"cz_{table}_started_is_kept", f"BEFORE DELETE ON {table} WHEN OLD.effective_from <= "
                f"{local_today_sql()} " + refuse("a commission plan version that has started is kept")),
    ]


SQLITE_TRIGGERS = [*_ledger(), *_floats(), *_cash_balances(), *_transactions(), *_statements(), *_top_ups_and_closes(),
                   *_plan_versions()]
