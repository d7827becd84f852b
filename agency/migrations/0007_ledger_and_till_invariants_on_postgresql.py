from django.db import migrations

# What PostgreSQL holds for the till whatever the code does (docs/database-invariants.md; the
# SQLite counterparts are in agency/db_invariants.py). Every refusal is SQLSTATE 23000, an
# IntegrityError in Django. The shared functions are core's (core/migrations/0002 and 0004).
#
# Ledger: a journal holds exactly the lines it declares (line_count) and they sum to zero, checked
# at commit; a line is refused once its journal holds them all (posted); accounts, journals and
# entries are append-only (0002 refused UPDATE and DELETE of journals and entries; TRUNCATE too now).
# Float wallets: the balance is moved by the database as float entries are inserted, and by
# nothing else. Counter transactions, top-ups, closes and statements: status moves only along
# agency/states.py's tables; a settled or final row keeps what it says; a succeeded or reversed
# transaction has its journal at commit; none is deleted.

LEDGER = """
CREATE TRIGGER agency_account_append_only BEFORE UPDATE OR DELETE ON agency_account
FOR EACH ROW EXECUTE FUNCTION cunzhan_forbid_change();

CREATE FUNCTION agency_entry_into_open_journal() RETURNS trigger AS $$
DECLARE
    declared integer;
    present integer;
BEGIN
    SELECT line_count INTO declared FROM agency_journal WHERE id = NEW.journal_id;
    SELECT count(*) INTO present FROM agency_ledgerentry WHERE journal_id = NEW.journal_id;
    IF present >= declared THEN
        RAISE EXCEPTION 'journal % is posted (it holds its % lines): no line can be added', NEW.journal_id, declared
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agency_ledgerentry_into_open_journal BEFORE INSERT ON agency_ledgerentry
FOR EACH ROW EXECUTE FUNCTION agency_entry_into_open_journal();

CREATE FUNCTION agency_journal_balances() RETURNS trigger AS $$
DECLARE
    lines integer;
    total bigint;
BEGIN
    SELECT count(*), coalesce(sum(amount_fen), 0) INTO lines, total
    FROM agency_ledgerentry WHERE journal_id = NEW.id;
    IF lines <> NEW.line_count OR total <> 0 THEN
        RAISE EXCEPTION 'journal % does not balance: % of its % lines, summing to % fen', NEW.id, lines,
            NEW.line_count, total USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER agency_journal_balances AFTER INSERT ON agency_journal
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION agency_journal_balances();
"""

FLOATS = """
CREATE FUNCTION agency_float_entries_move_wallets() RETURNS trigger AS $$
BEGIN
    UPDATE agency_floatwallet wallet SET balance_fen = wallet.balance_fen + moved.total
    FROM (SELECT account_id, sum(amount_fen) AS total FROM new_entries GROUP BY account_id) moved
    WHERE wallet.account_id = moved.account_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agency_ledgerentry_moves_float_wallets AFTER INSERT ON agency_ledgerentry
REFERENCING NEW TABLE AS new_entries
FOR EACH STATEMENT EXECUTE FUNCTION agency_float_entries_move_wallets();

CREATE FUNCTION agency_floatwallet_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.balance_fen <> (SELECT coalesce(sum(amount_fen), 0) FROM agency_ledgerentry
                               WHERE account_id = NEW.account_id) THEN
            RAISE EXCEPTION 'a float wallet starts at the balance of its ledger account'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.account_id, NEW.station_id, NEW.float_group) IS DISTINCT FROM
       (OLD.account_id, OLD.station_id, OLD.float_group) THEN
        RAISE EXCEPTION 'a float wallet keeps its station, group and account'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    -- Depth 1 is this trigger on a statement of its own; the ledger's trigger above runs it at depth 2.
    IF NEW.balance_fen <> OLD.balance_fen AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'a float wallet balance moves only with float entries posted to the ledger'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agency_floatwallet_guard BEFORE INSERT OR UPDATE ON agency_floatwallet
FOR EACH ROW EXECUTE FUNCTION agency_floatwallet_guard();
"""

TRANSACTIONS = """
CREATE TRIGGER agency_countertransaction_status_moves BEFORE INSERT OR UPDATE ON agency_countertransaction
FOR EACH ROW EXECUTE FUNCTION cunzhan_status_moves(
    '>pending', '>succeeded', 'pending>succeeded', 'pending>failed', 'pending>unknown',
    'unknown>succeeded', 'unknown>failed', 'succeeded>reversed');

CREATE FUNCTION agency_countertransaction_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status IN ('succeeded', 'failed', 'reversed') AND (
        NEW.reference, NEW.idempotency_key, NEW.fingerprint, NEW.kind, NEW.station_id, NEW.product_id,
        NEW.account_number, NEW.customer_name, NEW.amount_fen, NEW.fee_fen, NEW.commission_fen,
        NEW.plan_version_id, NEW.payment_method, NEW.provider_reference, NEW.failure_reason,
        NEW.external_reference, NEW.description, NEW.created_by_id, NEW.created_at, NEW.completed_at
    ) IS DISTINCT FROM (
        OLD.reference, OLD.idempotency_key, OLD.fingerprint, OLD.kind, OLD.station_id, OLD.product_id,
        OLD.account_number, OLD.customer_name, OLD.amount_fen, OLD.fee_fen, OLD.commission_fen,
        OLD.plan_version_id, OLD.payment_method, OLD.provider_reference, OLD.failure_reason,
        OLD.external_reference, OLD.description, OLD.created_by_id, OLD.created_at, OLD.completed_at
    ) THEN
        RAISE EXCEPTION 'counter transaction % is settled (%): what was paid is kept', OLD.reference, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.reversed_at, NEW.reversed_by_id, NEW.reversal_reason)
       IS DISTINCT FROM (OLD.reversed_at, OLD.reversed_by_id, OLD.reversal_reason)
       AND NOT (OLD.status = 'succeeded' AND NEW.status = 'reversed') THEN
        RAISE EXCEPTION 'counter transaction %: the reversal is recorded only by reversing it', OLD.reference
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.card_status <> OLD.card_status AND NOT (OLD.card_status || '>' || NEW.card_status) = ANY (ARRAY[
        '>charged', '>declined', '>unknown', 'unknown>charged', 'unknown>declined',
        'charged>refunded', 'charged>refund_pending', 'refund_pending>refunded']) THEN
        RAISE EXCEPTION 'counter transaction %: card status move "%>%" is not in its state machine',
            OLD.reference, OLD.card_status, NEW.card_status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.card_charge_id, NEW.card_brand, NEW.card_last4) IS DISTINCT FROM
       (OLD.card_charge_id, OLD.card_brand, OLD.card_last4) AND OLD.card_status NOT IN ('', 'unknown')
       OR NEW.card_refund_id <> OLD.card_refund_id AND NEW.card_status <> 'refunded' THEN
        RAISE EXCEPTION 'counter transaction %: the card''s charge and refund are recorded once', OLD.reference
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agency_countertransaction_guard BEFORE UPDATE ON agency_countertransaction
FOR EACH ROW EXECUTE FUNCTION agency_countertransaction_guard();

CREATE FUNCTION agency_countertransaction_posted() RETURNS trigger AS $$
DECLARE
    status text;
    missing text;
BEGIN
    SELECT tx.status INTO status FROM agency_countertransaction tx WHERE tx.id = NEW.id;
    IF status IN ('succeeded', 'reversed') AND NOT EXISTS (
        SELECT 1 FROM agency_journal WHERE counter_transaction_id = NEW.id AND kind = 'payment') THEN
        missing := 'payment';
    ELSIF status = 'reversed' AND NOT EXISTS (
        SELECT 1 FROM agency_journal WHERE counter_transaction_id = NEW.id AND kind = 'reversal') THEN
        missing := 'reversal';
    END IF;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'counter transaction % is % without its % journal', NEW.reference, status, missing
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER agency_countertransaction_posted AFTER INSERT OR UPDATE ON agency_countertransaction
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status IN ('succeeded', 'reversed'))
EXECUTE FUNCTION agency_countertransaction_posted();
"""

STATEMENTS = """
CREATE TRIGGER agency_commissionstatement_status_moves BEFORE INSERT OR UPDATE ON agency_commissionstatement
FOR EACH ROW EXECUTE FUNCTION cunzhan_status_moves('>generated', 'generated>approved', 'approved>paid');
CREATE TRIGGER agency_commissionstatement_final_is_kept BEFORE UPDATE ON agency_commissionstatement
FOR EACH ROW EXECUTE FUNCTION cunzhan_final_is_kept('paid');

CREATE FUNCTION agency_commissionstatement_guard() RETURNS trigger AS $$
BEGIN
    IF (NEW.station_id, NEW.month, NEW.transaction_count, NEW.gross_fen, NEW.clawback_fen, NEW.tax_fen,
        NEW.net_fen, NEW.fees_fen, NEW.generated_by_id, NEW.generated_at)
       IS DISTINCT FROM (OLD.station_id, OLD.month, OLD.transaction_count, OLD.gross_fen, OLD.clawback_fen,
        OLD.tax_fen, OLD.net_fen, OLD.fees_fen, OLD.generated_by_id, OLD.generated_at) THEN
        RAISE EXCEPTION 'commission statement %: its figures are those it was generated with', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (NEW.approved_by_id, NEW.approved_at) IS DISTINCT FROM (OLD.approved_by_id, OLD.approved_at)
       AND NOT (OLD.status = 'generated' AND NEW.status = 'approved')
       OR (NEW.paid_by_id, NEW.paid_at, NEW.payment_reference, NEW.payout_journal_id)
       IS DISTINCT FROM (OLD.paid_by_id, OLD.paid_at, OLD.payment_reference, OLD.payout_journal_id)
       AND NOT (OLD.status = 'approved' AND NEW.status = 'paid') THEN
        RAISE EXCEPTION 'commission statement %: approval and payment are recorded by approving and paying it',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agency_commissionstatement_guard BEFORE UPDATE ON agency_commissionstatement
FOR EACH ROW EXECUTE FUNCTION agency_commissionstatement_guard();

CREATE TRIGGER agency_commissionstatementline_append_only BEFORE UPDATE OR DELETE
ON agency_commissionstatementline FOR EACH ROW EXECUTE FUNCTION cunzhan_forbid_change();
CREATE FUNCTION agency_statement_line_while_generated() RETURNS trigger AS $$
BEGIN
    IF (SELECT status FROM agency_commissionstatement WHERE id = NEW.statement_id) <> 'generated' THEN
        RAISE EXCEPTION 'commission statement % is approved: its lines are final', NEW.statement_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agency_commissionstatementline_while_generated BEFORE INSERT ON agency_commissionstatementline
FOR EACH ROW EXECUTE FUNCTION agency_statement_line_while_generated();
"""

TOP_UPS_AND_CLOSES = """
CREATE TRIGGER agency_floattopuprequest_status_moves BEFORE INSERT OR UPDATE ON agency_floattopuprequest
FOR EACH ROW EXECUTE FUNCTION cunzhan_status_moves('>requested', 'requested>approved', 'requested>rejected');
CREATE TRIGGER agency_floattopuprequest_final_is_kept BEFORE UPDATE ON agency_floattopuprequest
FOR EACH ROW EXECUTE FUNCTION cunzhan_final_is_kept('approved', 'rejected');

CREATE TRIGGER agency_dailycashclose_status_moves BEFORE INSERT OR UPDATE ON agency_dailycashclose
FOR EACH ROW EXECUTE FUNCTION cunzhan_status_moves(
    '>balanced', '>awaiting_approval', 'awaiting_approval>approved', 'awaiting_approval>rejected',
    'rejected>balanced', 'rejected>awaiting_approval');
CREATE TRIGGER agency_dailycashclose_final_is_kept BEFORE UPDATE ON agency_dailycashclose
FOR EACH ROW EXECUTE FUNCTION cunzhan_final_is_kept('balanced', 'approved');
"""

# No row of these is ever deleted, nor the tables emptied.
APPEND_ONLY = ("agency_account", "agency_journal", "agency_ledgerentry", "agency_commissionstatementline")
KEPT = ("agency_countertransaction", "agency_floatwallet", "agency_floattopuprequest", "agency_dailycashclose",
        "agency_commissionstatement")
FUNCTIONS = ("agency_entry_into_open_journal", "agency_journal_balances", "agency_float_entries_move_wallets",
             "agency_floatwallet_guard", "agency_countertransaction_guard", "agency_countertransaction_posted",
             "agency_commissionstatement_guard", "agency_statement_line_while_generated")


def _no_removal() -> str:
    sql = [f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
           "FOR EACH STATEMENT EXECUTE FUNCTION cunzhan_forbid_change();" for table in APPEND_ONLY]
    for table in KEPT:
        sql.append(f"CREATE TRIGGER {table}_kept BEFORE DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION cunzhan_forbid_removal();")
        sql.append(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION cunzhan_forbid_removal();")
    return "\n".join(sql)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in (LEDGER, FLOATS, TRANSACTIONS, STATEMENTS, TOP_UPS_AND_CLOSES, _no_removal()):
        schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal "
                       "AND tgrelid::regclass::text LIKE 'agency\\_%%' AND tgname NOT IN "
                       "('agency_journal_append_only', 'agency_ledgerentry_append_only')")
        triggers = cursor.fetchall()
    for name, table in triggers:
        schema_editor.execute(f"DROP TRIGGER {name} ON {table}", params=None)
    for function in FUNCTIONS:
        schema_editor.execute(f"DROP FUNCTION {function}()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0006_journal_line_count_and_posted_states"),
        ("core", "0006_invariant_functions_and_audit_kept_on_postgresql"),
    ]

    operations = [migrations.RunPython(forward, backward)]
