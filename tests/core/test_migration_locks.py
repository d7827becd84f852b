"""The upgrade's check for long locks (core/migration_locks.py, `manage.py migrations_lock_check`): the
statements that hold a write-blocking lock while they scan or rewrite a table are named with the table's
rows; the quick catalogue-only ones are not."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.migration_locks import estimated_rows, slow_statements
from tests.factories import ServiceItemFactory, ServiceRequestFactory, StationFactory


@pytest.mark.parametrize(("sql", "expected"), [
    ('ALTER TABLE "shop_order" ALTER COLUMN "total" TYPE bigint USING "total"::bigint;',
     [("shop_order", "rewrites the table")]),
    ('ALTER TABLE "shop_order" ALTER COLUMN "note" SET NOT NULL;', [("shop_order", "scans the table")]),
    ('ALTER TABLE "shop_order" ADD CONSTRAINT "shop_order_user_fk" FOREIGN KEY ("user_id") REFERENCES "u" ("id") '
     'DEFERRABLE INITIALLY DEFERRED;', [("shop_order", "scans the table")]),
    ('CREATE INDEX "shop_order_at" ON "shop_order" ("at");', [("shop_order", "builds an index without CONCURRENTLY")]),
    ('CREATE UNIQUE INDEX "shop_order_ref" ON "shop_order" ("ref");',
     [("shop_order", "builds an index without CONCURRENTLY")]),
    # catalogue-only changes, or done without blocking writes: nothing to plan for
    ('ALTER TABLE "shop_order" ADD COLUMN "note" text NULL;', []),
    ('ALTER TABLE "shop_order" ADD CONSTRAINT "shop_order_fk" FOREIGN KEY ("user_id") REFERENCES "u" ("id") NOT VALID;',
     []),
    ('CREATE INDEX CONCURRENTLY "shop_order_at" ON "shop_order" ("at");', []),
    ('ALTER TABLE "shop_order" DROP COLUMN "note" CASCADE;', []),
    ('-- Create index shop_order_at on field(s) at of model order', []),
])
def test_the_slow_statements_are_named_and_the_quick_ones_are_not(sql, expected):
    assert slow_statements(sql) == expected


# Transactional: SQLite's schema editor (which writes the SQL) cannot start inside a transaction with foreign
# key checks on, and the command runs outside one in real life too.
@pytest.mark.django_db(transaction=True)
def test_a_migration_that_indexes_the_requests_is_flagged_once_the_table_is_large(tree, department):
    station = StationFactory(village=tree["villages"][0])
    for _ in range(3):
        ServiceRequestFactory(item=ServiceItemFactory(department=department), station=station)
    if connection.vendor == "sqlite":
        assert estimated_rows("gov_services_servicerequest") == 3
    migration = ("gov_services", "0015_servicerequest_submitted_at_index")
    with pytest.raises(CommandError, match="would lock a large table"):
        call_command("migrations_lock_check", "--migration", *migration, "--min-rows", "0")
    call_command("migrations_lock_check", "--migration", *migration, "--min-rows", "1000000")  # a small county


@pytest.mark.django_db
def test_with_every_migration_applied_nothing_is_pending(capsys):
    call_command("migrations_lock_check")
    out = capsys.readouterr().out
    assert "0 pending migration(s)" in out and "no pending statement" in out
