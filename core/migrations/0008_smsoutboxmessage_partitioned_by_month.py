from django.db import migrations

from core.partitioning import table_partition_by_month, table_unpartition

# PostgreSQL: the SMS outbox becomes RANGE partitioned by `created_at`, one partition a calendar month
# (core/partitioning.py, docs/partitioning.md), converted in place with its rows. A message is updated
# (status, attempts) but its `created_at` never changes, so it never moves between partitions.
# Backwards: the rows go back into one plain table. SQLite: nothing changes.


def forward(apps, schema_editor):
    table_partition_by_month(schema_editor, "core_smsoutboxmessage", "created_at")


def backward(apps, schema_editor):
    table_unpartition(schema_editor, "core_smsoutboxmessage")


class Migration(migrations.Migration):
    dependencies = [("core", "0007_auditevent_partitioned_by_month")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
