from django.db import migrations

from core.partitioning import table_partition_by_month, table_unpartition

# PostgreSQL: a request's events become RANGE partitioned by `at`, one partition a calendar month
# (core/partitioning.py, docs/partitioning.md), converted in place with their rows; the append-only
# triggers are made again on the new table and fire on every partition. The foreign key to the request
# stays (a partitioned table may reference others; nothing references the events).
# Backwards: the rows go back into one plain table. SQLite: nothing changes.


def forward(apps, schema_editor):
    table_partition_by_month(schema_editor, "gov_services_requestevent", "at")


def backward(apps, schema_editor):
    table_unpartition(schema_editor, "gov_services_requestevent")


class Migration(migrations.Migration):
    dependencies = [
        ("gov_services", "0013_department_active_membership_ended_on"),
        ("core", "0007_auditevent_partitioned_by_month"),  # the month-partition functions
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
