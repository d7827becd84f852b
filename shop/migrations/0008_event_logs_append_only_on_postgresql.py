from django.db import migrations

# Append-only on PostgreSQL (docs/database-invariants.md; SQLite: shop/db_invariants.py): an order
# part's history and the payment providers' notifications are never changed, deleted or emptied.
TABLES = ("shop_orderpartevent", "shop_paymentevent")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION cunzhan_forbid_change();"
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION cunzhan_forbid_change();", params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
                              f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0007_sms_outbox_regions_and_masked_pickup_codes"),
        ("core", "0006_invariant_functions_and_audit_kept_on_postgresql"),
    ]

    operations = [migrations.RunPython(forward, backward)]
