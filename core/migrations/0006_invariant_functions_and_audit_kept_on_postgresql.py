from django.db import migrations

# Functions every app's invariant triggers share (docs/database-invariants.md), and TRUNCATE
# refused on the audit trail (a statement trigger: row triggers do not see TRUNCATE).
# cunzhan_forbid_change() (migration 0002) refuses any UPDATE, DELETE or TRUNCATE of an
# append-only table; cunzhan_forbid_removal() refuses DELETE or TRUNCATE of rows that may change
# but are kept; cunzhan_status_moves() lets `status` move only along the pairs "from>to" given as
# the trigger's arguments (">to" for the statuses a row may be inserted with);
# cunzhan_final_is_kept() refuses any change to a row whose status is one of its arguments.
FUNCTIONS = """
CREATE OR REPLACE FUNCTION cunzhan_forbid_removal() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are kept: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION cunzhan_status_moves() RETURNS trigger AS $$
DECLARE
    move text;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.status = OLD.status THEN
            RETURN NEW;
        END IF;
        move := OLD.status || '>' || NEW.status;
    ELSE
        move := '>' || NEW.status;
    END IF;
    IF NOT move = ANY (TG_ARGV) THEN
        RAISE EXCEPTION '%: status move "%" is not in its state machine', TG_TABLE_NAME, move
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION cunzhan_final_is_kept() RETURNS trigger AS $$
BEGIN
    IF OLD.status = ANY (TG_ARGV) AND NEW IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION '% rows are final once %: UPDATE refused', TG_TABLE_NAME, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
FOR EACH STATEMENT EXECUTE FUNCTION cunzhan_forbid_change();
"""
REVERSE = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS cunzhan_final_is_kept();
DROP FUNCTION IF EXISTS cunzhan_status_moves();
DROP FUNCTION IF EXISTS cunzhan_forbid_removal();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTIONS, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_sms_outbox_region_and_sealed_text")]

    operations = [migrations.RunPython(forward, backward)]
