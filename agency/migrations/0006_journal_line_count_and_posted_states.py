from django.db import migrations, models

# A journal declares how many lines it has, so that the database can tell a journal being
# written from a posted one (no more lines) on SQLite as on PostgreSQL. Journals already posted
# get the number they hold; on PostgreSQL their append-only trigger is lifted for that one UPDATE.
COUNT_LINES = ("UPDATE agency_journal SET line_count = "
               "(SELECT count(*) FROM agency_ledgerentry e WHERE e.journal_id = agency_journal.id)")


def count_lines(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute("ALTER TABLE agency_journal DISABLE TRIGGER agency_journal_append_only")
    schema_editor.execute(COUNT_LINES)
    if postgresql:
        schema_editor.execute("ALTER TABLE agency_journal ENABLE TRIGGER agency_journal_append_only")


class Migration(migrations.Migration):

    dependencies = [
        ("agency", "0005_commission_township_rollups"),
    ]

    operations = [
        migrations.AddField(
            model_name="journal",
            name="line_count",
            field=models.PositiveSmallIntegerField(null=True, verbose_name="lines"),
        ),
        migrations.RunPython(count_lines, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="journal",
            name="line_count",
            field=models.PositiveSmallIntegerField(
                help_text="How many entries the journal has: no more can be added once they are in",
                verbose_name="lines"),
        ),
        migrations.AddConstraint(
            model_name="journal",
            constraint=models.CheckConstraint(condition=models.Q(("line_count__gte", 2)),
                                              name="agency_journal_has_two_lines"),
        ),
        migrations.AddConstraint(
            model_name="commissionstatement",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("status", "paid"), _negated=True),
                                   models.Q(("paid_at__isnull", False),
                                            models.Q(("net_fen__lte", 0), ("payout_journal__isnull", False),
                                                     _connector="OR")),
                                   _connector="OR"),
                name="agency_statement_paid_is_posted"),
        ),
        migrations.AddConstraint(
            model_name="dailycashclose",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("status", "approved"), _negated=True), ("journal__isnull", False),
                                   _connector="OR"),
                name="agency_close_approved_is_posted"),
        ),
        migrations.AddConstraint(
            model_name="floattopuprequest",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("status", "approved"), _negated=True), ("journal__isnull", False),
                                   _connector="OR"),
                name="agency_top_up_approved_is_posted"),
        ),
    ]
