from django.db import migrations

from core.partitioning import drop_functions, install_functions, table_partition_by_month, table_unpartition

# PostgreSQL: the audit trail becomes RANGE partitioned by `at`, one partition a calendar month
# (core/partitioning.py, docs/partitioning.md), converted in place with its rows; the functions that
# make month partitions (also for the application's role, from Celery beat) are installed first.
# Backwards: the rows go back into one plain table. SQLite: nothing changes.


def forward(apps, schema_editor):
    install_functions(schema_editor)
    table_partition_by_month(schema_editor, "core_auditevent", "at")


def backward(apps, schema_editor):
    table_unpartition(schema_editor, "core_auditevent")
    drop_functions(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_invariant_functions_and_audit_kept_on_postgresql")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
