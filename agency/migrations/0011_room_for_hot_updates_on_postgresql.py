from django.db import migrations

# Rows every payment updates in place: the station's rollup rows, its float wallet and its drawer's
# running balance. None of the updated columns is indexed, so PostgreSQL can make each update a HOT one
# (no index touched) — if the row's page has room for the new version. Leaving room in every page
# (fillfactor) keeps it so; pages are vacuumed of old versions as they go.
TABLES = {
    "agency_commissionrollup": 70,
    "agency_commissiondayrollup": 70,
    "agency_floatwallet": 50,
    "agency_cashbalance": 50,
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, fill in TABLES.items():
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {fill})", params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)", params=None)


class Migration(migrations.Migration):
    dependencies = [("agency", "0010_cash_balances_moved_by_the_ledger")]

    operations = [migrations.RunPython(forward, backward)]
