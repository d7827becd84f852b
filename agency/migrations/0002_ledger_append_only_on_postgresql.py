from django.db import migrations

# Posted journals and their entries are never changed: corrections are reversal journals.
# The function cunzhan_forbid_change() is core's (core/migrations/0002).
TABLES = ("agency_journal", "agency_ledgerentry")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION cunzhan_forbid_change();", params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("agency", "0001_initial"),
        ("core", "0002_auditevent_append_only_on_postgresql"),  # defines cunzhan_forbid_change()
    ]

    operations = [migrations.RunPython(forward, backward)]
