from django.db import migrations

# Append-only on PostgreSQL (docs/database-invariants.md; SQLite: gov_services/db_invariants.py):
# a request's events (UPDATE and DELETE refused since 0003) cannot be emptied by TRUNCATE either,
# and the certificate print log is append-only like them.
TRIGGERS = """
CREATE TRIGGER gov_services_requestevent_no_truncate BEFORE TRUNCATE ON gov_services_requestevent
FOR EACH STATEMENT EXECUTE FUNCTION cunzhan_forbid_change();
CREATE TRIGGER gov_services_certificateprint_append_only BEFORE UPDATE OR DELETE ON gov_services_certificateprint
FOR EACH ROW EXECUTE FUNCTION cunzhan_forbid_change();
CREATE TRIGGER gov_services_certificateprint_no_truncate BEFORE TRUNCATE ON gov_services_certificateprint
FOR EACH STATEMENT EXECUTE FUNCTION cunzhan_forbid_change();
"""
REVERSE = """
DROP TRIGGER IF EXISTS gov_services_requestevent_no_truncate ON gov_services_requestevent;
DROP TRIGGER IF EXISTS gov_services_certificateprint_append_only ON gov_services_certificateprint;
DROP TRIGGER IF EXISTS gov_services_certificateprint_no_truncate ON gov_services_certificateprint;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("gov_services", "0009_sms_outbox_region_paths"),
        ("core", "0006_invariant_functions_and_audit_kept_on_postgresql"),
    ]

    operations = [migrations.RunPython(forward, backward)]
