"""The SECURITY DEFINER functions that make month partitions, installed and dropped by core/migrations/0007:
they let the application's role, which owns nothing, make next month's partition."""

from __future__ import annotations

FUNCTIONS = """
-- Copy the parent's statement-level TRUNCATE triggers onto one partition: PostgreSQL clones row
-- triggers onto partitions, but not statement triggers, and TRUNCATE of a partition alone would
-- otherwise pass the append-only guard (docs/database-invariants.md).
CREATE OR REPLACE FUNCTION cunzhan_partition_guard(part regclass) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    parent oid;
    trig record;
BEGIN
    SELECT inhparent INTO parent FROM pg_inherits WHERE inhrelid = part;
    IF parent IS NULL THEN
        RAISE EXCEPTION '% is not a partition', part;
    END IF;
    FOR trig IN
        SELECT tgname, tgfoid::regproc AS func FROM pg_trigger
        WHERE tgrelid = parent AND NOT tgisinternal AND (tgtype & 32) <> 0
    LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION %s()',
                       trig.tgname, part, trig.func);
    END LOOP;
END;
$$;

-- Make the partition of `parent` for the calendar month holding `month` in `time_zone`, named
-- <parent>_pYYYY_MM. Returns 'exists', 'created', or 'blocked' when the default partition holds
-- rows of that month (moving them is the owner's job: docs/partitioning.md). Never drops anything.
CREATE OR REPLACE FUNCTION cunzhan_month_partition(parent regclass, month date, time_zone text) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    schema_name text;
    parent_name text;
    part_name text;
    key_column text;
    default_part regclass;
    low timestamptz;
    high timestamptz;
    busy boolean;
    grant_row record;
BEGIN
    SELECT n.nspname, c.relname, a.attname, NULLIF(p.partdefid, 0)::regclass
      INTO schema_name, parent_name, key_column, default_part
      FROM pg_partitioned_table p
      JOIN pg_class c ON c.oid = p.partrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
     WHERE p.partrelid = parent AND p.partstrat = 'r' AND p.partnatts = 1;
    IF parent_name IS NULL THEN
        RAISE EXCEPTION '% is not a table partitioned by a range of one column', parent;
    END IF;
    month := date_trunc('month', month)::date;
    part_name := parent_name || '_p' || to_char(month, 'YYYY_MM');
    IF to_regclass(format('%I.%I', schema_name, part_name)) IS NOT NULL THEN
        RETURN 'exists';
    END IF;
    low := month::timestamp AT TIME ZONE time_zone;
    high := (month + interval '1 month')::timestamp AT TIME ZONE time_zone;
    IF default_part IS NOT NULL THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I >= $1 AND %I < $2)', default_part, key_column,
                       key_column) INTO busy USING low, high;
        IF busy THEN
            RETURN 'blocked';
        END IF;
    END IF;
    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)', schema_name, part_name,
                   schema_name, parent_name, low, high);
    -- The new table got the owner's default privileges (core/db_app_role.py grants UPDATE and DELETE by
    -- default); give it exactly the parent's instead, so an append-only parent's partition is one too.
    FOR grant_row IN
        SELECT DISTINCT a.grantee::regrole AS grantee FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = format('%I.%I', schema_name, part_name)::regclass AND a.grantee <> c.relowner
          AND a.grantee <> 0
    LOOP
        EXECUTE format('REVOKE ALL ON %I.%I FROM %s', schema_name, part_name, grant_row.grantee);
    END LOOP;
    FOR grant_row IN
        SELECT a.grantee::regrole AS grantee, a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = parent AND a.grantee <> c.relowner AND a.grantee <> 0
    LOOP
        EXECUTE format('GRANT %s ON %I.%I TO %s', grant_row.privilege_type, schema_name, part_name,
                       grant_row.grantee);
    END LOOP;
    PERFORM {schema}.cunzhan_partition_guard(format('%I.%I', schema_name, part_name)::regclass);
    RETURN 'created';
END;
$$;
"""
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS cunzhan_month_partition(regclass, date, text);
DROP FUNCTION IF EXISTS cunzhan_partition_guard(regclass);
"""


def install_functions(schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            (schema,) = cursor.fetchone()
        # SECURITY DEFINER functions search nothing but pg_catalog: one calls the other by its schema.
        schema_editor.execute(FUNCTIONS.replace("{schema}", connection.ops.quote_name(schema)), params=None)


def drop_functions(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FUNCTIONS, params=None)

