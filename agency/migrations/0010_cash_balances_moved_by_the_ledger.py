from django.db import migrations

# A station drawer's running balance (agency.CashBalance), held by the database as FloatWallet's is
# (0007): the rows start at their account's ledger balance, inserting cash entries moves them (in a
# statement-level trigger, one UPDATE per INSERT of entries), and nothing else may change them or
# remove them. The SQLite counterparts are in agency/db_invariants.py.

BACKFILL = """
INSERT INTO agency_cashbalance (account_id, balance_fen)
SELECT account.id, coalesce((SELECT sum(entry.amount_fen) FROM agency_ledgerentry entry
                             WHERE entry.account_id = account.id), 0)
FROM agency_account account WHERE account.purpose = 'cash'
AND NOT EXISTS (SELECT 1 FROM agency_cashbalance b WHERE b.account_id = account.id)
"""

POSTGRESQL = """
CREATE FUNCTION agency_cash_entries_move_balances() RETURNS trigger AS $$
BEGIN
    UPDATE agency_cashbalance balance SET balance_fen = balance.balance_fen + moved.total
    FROM (SELECT account_id, sum(amount_fen) AS total FROM new_entries GROUP BY account_id) moved
    WHERE balance.account_id = moved.account_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agency_ledgerentry_moves_cash_balances AFTER INSERT ON agency_ledgerentry
REFERENCING NEW TABLE AS new_entries
FOR EACH STATEMENT EXECUTE FUNCTION agency_cash_entries_move_balances();

CREATE FUNCTION agency_cashbalance_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.balance_fen <> (SELECT coalesce(sum(amount_fen), 0) FROM agency_ledgerentry
                               WHERE account_id = NEW.account_id) THEN
            RAISE EXCEPTION 'a cash balance starts at the balance of its ledger account'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.account_id <> OLD.account_id THEN
        RAISE EXCEPTION 'a cash balance keeps its account' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    -- Depth 1 is this trigger on a statement of its own; the ledger's trigger above runs it at depth 2.
    IF NEW.balance_fen <> OLD.balance_fen AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'a cash balance moves only with cash entries posted to the ledger'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agency_cashbalance_guard BEFORE INSERT OR UPDATE ON agency_cashbalance
FOR EACH ROW EXECUTE FUNCTION agency_cashbalance_guard();
CREATE TRIGGER agency_cashbalance_kept BEFORE DELETE ON agency_cashbalance
FOR EACH ROW EXECUTE FUNCTION cunzhan_forbid_removal();
CREATE TRIGGER agency_cashbalance_no_truncate BEFORE TRUNCATE ON agency_cashbalance
FOR EACH STATEMENT EXECUTE FUNCTION cunzhan_forbid_removal();
"""

POSTGRESQL_BACKWARD = """
DROP TRIGGER agency_cashbalance_no_truncate ON agency_cashbalance;
DROP TRIGGER agency_cashbalance_kept ON agency_cashbalance;
DROP TRIGGER agency_cashbalance_guard ON agency_cashbalance;
DROP TRIGGER agency_ledgerentry_moves_cash_balances ON agency_ledgerentry;
DROP FUNCTION agency_cashbalance_guard();
DROP FUNCTION agency_cash_entries_move_balances();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)
    schema_editor.execute(BACKFILL, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0009_station_township_rollups_cash_balances_fewer_indexes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
