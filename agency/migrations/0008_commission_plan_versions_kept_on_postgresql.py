import re

from django.conf import settings
from django.db import migrations

# A commission plan's version is never changed, and one that has started is never removed: new terms
# are a new version from a date (agency/services/setup.py; docs/database-invariants.md). The SQLite
# counterpart is in agency/db_invariants.py. "Today" is the day in settings.TIME_ZONE (the connection
# itself runs in UTC), as the services count it; the zone is written into the function when this runs.
#
# The function is the table's own rather than core's cunzhan_forbid_change / cunzhan_forbid_removal:
# core/db_app_role.py takes tables guarded by those for append-only or kept and withholds DELETE from
# the application, which withdraws versions that have not started.

GUARD = """
CREATE FUNCTION agency_plan_version_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'agency_commissionplanversion rows are kept: TRUNCATE refused'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'commission plan version % is never changed: a new version replaces it from a date', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.effective_from <= (now() AT TIME ZONE '{zone}')::date THEN
        RAISE EXCEPTION 'commission plan version % has started (%): it is kept', OLD.id, OLD.effective_from
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agency_commissionplanversion_guard BEFORE UPDATE OR DELETE ON agency_commissionplanversion
FOR EACH ROW EXECUTE FUNCTION agency_plan_version_guard();
CREATE TRIGGER agency_commissionplanversion_no_truncate BEFORE TRUNCATE ON agency_commissionplanversion
FOR EACH STATEMENT EXECUTE FUNCTION agency_plan_version_guard();
"""
REVERSE = """
DROP TRIGGER IF EXISTS agency_commissionplanversion_no_truncate ON agency_commissionplanversion;
DROP TRIGGER IF EXISTS agency_commissionplanversion_guard ON agency_commissionplanversion;
DROP FUNCTION IF EXISTS agency_plan_version_guard();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", settings.TIME_ZONE):
        raise ValueError(f"TIME_ZONE {settings.TIME_ZONE!r} is not a plain zone name")
    schema_editor.execute(GUARD.replace("{zone}", settings.TIME_ZONE), params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [("agency", "0007_ledger_and_till_invariants_on_postgresql")]

    operations = [migrations.RunPython(forward, backward)]
