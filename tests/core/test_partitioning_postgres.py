"""The audit trail, the SMS outbox and the request events are partitioned by month on PostgreSQL
(core/partitioning, docs/partitioning.md): rows land in their month, the append-only rules hold on
every partition, a month-bounded query reads one month, and a table holding rows converts both ways."""

import datetime
import zoneinfo
from uuid import uuid4

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction

from core.audit import audit_event_record
from core.models import AuditEvent, SmsOutboxMessage
from core.partitioning.convert import PartitioningRefused, table_partition_by_month, table_unpartition
from core.partitioning.maintenance import partitions_ensure
from core.partitioning.months import add_months, month_start
from core.tasks import db_partitions_ahead
from tests.clock import clock_at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TABLES = {"core_auditevent": "at", "core_smsoutboxmessage": "created_at", "gov_services_requestevent": "at"}


def _fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _execute(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _partition_of(table, pk):
    return _fetch(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])[0][0]


def _audit_at(moment, action="partition.test"):
    with clock_at(moment):
        return audit_event_record(actor=None, action=action, target=ContentType.objects.first())


def _service_request():
    from tests.factories import (
        DepartmentFactory,
        ServiceItemFactory,
        ServiceRequestFactory,
        StationFactory,
        county_tree,
    )

    tree = county_tree(townships=1, villages_per_township=1)
    return ServiceRequestFactory(
        item=ServiceItemFactory(department=DepartmentFactory(region=tree["county"])),
        station=StationFactory(village=tree["villages"][0]),
    )


def _month_partitions(table):
    return [
        name
        for (name,) in _fetch(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass ORDER BY 1",
            [table],
        )
        if not name.endswith("_default")
    ]


@pytest.mark.parametrize("table", sorted(TABLES))
def test_each_table_is_partitioned_by_its_time_column_with_months_ahead_and_a_default(table):
    assert _fetch("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [table]) == [("p",)]
    assert _fetch("SELECT pg_get_partkeydef(%s::regclass)", [table]) == [(f"RANGE ({TABLES[table]})",)]
    current = month_start(datetime.datetime.now(datetime.UTC))
    partitions = _month_partitions(table)
    assert f"{table}_p{current:%Y_%m}" in partitions
    assert f"{table}_p{add_months(current, 2):%Y_%m}" in partitions
    assert _fetch(
        "SELECT partdefid::regclass::text FROM pg_partitioned_table WHERE partrelid = %s::regclass", [table]
    ) == [(f"{table}_default",)]
    # Django's pk is `id`; the database's primary key adds the month.
    assert _fetch(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
        [table],
    ) == [(f"PRIMARY KEY (id, {TABLES[table]})",)]


def test_rows_land_in_their_months_partition_by_the_local_calendar():
    now = datetime.datetime.now(SHANGHAI)
    # 00:30 on the 1st in Shanghai is 16:30 UTC on the last day of the month before
    first_of_month = now.replace(day=1, hour=0, minute=30, second=0, microsecond=0)
    event = _audit_at(first_of_month)
    assert _partition_of("core_auditevent", event.pk) == f"core_auditevent_p{first_of_month:%Y_%m}"
    last_month_evening = first_of_month - datetime.timedelta(hours=1)
    earlier = _audit_at(last_month_evening)
    expected = f"core_auditevent_p{last_month_evening:%Y_%m}"
    assert _partition_of("core_auditevent", earlier.pk) in (expected, "core_auditevent_default")
    assert AuditEvent.objects.get(pk=event.pk).action == "partition.test"
    assert earlier.pk > event.pk  # one identity sequence across partitions


def test_a_row_outside_every_month_partition_lands_in_the_default_partition():
    old = _audit_at(datetime.datetime(2001, 5, 4, 12, tzinfo=SHANGHAI))
    assert _partition_of("core_auditevent", old.pk) == "core_auditevent_default"
    assert AuditEvent.objects.filter(pk=old.pk).exists()


def test_the_outbox_is_updated_in_place_and_found_by_pk(django_capture_on_commit_callbacks):
    message = SmsOutboxMessage.objects.create(phone="13800000000", text="你好", purpose="test")
    assert _partition_of("core_smsoutboxmessage", message.pk).startswith("core_smsoutboxmessage_p")
    message.status = SmsOutboxMessage.Status.SENT
    message.attempts = 1
    message.save(update_fields=["status", "attempts"])
    assert SmsOutboxMessage.objects.get(pk=message.pk).status == SmsOutboxMessage.Status.SENT
    SmsOutboxMessage.objects.filter(pk=message.pk).delete()  # the outbox is not append-only
    assert not SmsOutboxMessage.objects.filter(pk=message.pk).exists()


@pytest.mark.parametrize("table", ["core_auditevent", "gov_services_requestevent"])
def test_updates_deletes_and_truncates_are_refused_on_the_table_and_on_each_partition(table):
    if table == "core_auditevent":
        pk = _audit_at(datetime.datetime.now(SHANGHAI)).pk
    else:
        pk = _service_request().events.create(action="note").pk
    holding = _partition_of(table, pk)
    for target in (table, holding):
        for statement in (
            f"UPDATE {target} SET action = 'forged' WHERE id = %s",
            f"DELETE FROM {target} WHERE id = %s",
        ):
            with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
                _fetch(statement + " RETURNING id", [pk])
    _execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred foreign-key check
    for target in (table, *_month_partitions(table), f"{table}_default"):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            _execute(f"TRUNCATE {target}")


def test_the_orm_still_refuses_to_edit_or_delete_an_audit_event():
    event = _audit_at(datetime.datetime.now(SHANGHAI))
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        event.delete()


def test_a_month_bounded_query_reads_only_that_months_partition():
    month = month_start(datetime.datetime.now(datetime.UTC))
    low = datetime.datetime(month.year, month.month, 1, tzinfo=SHANGHAI)
    high = datetime.datetime(add_months(month, 1).year, add_months(month, 1).month, 1, tzinfo=SHANGHAI)
    plan = AuditEvent.objects.filter(at__gte=low, at__lt=high).explain()
    assert f"core_auditevent_p{month:%Y_%m}" in plan
    assert f"core_auditevent_p{add_months(month, 1):%Y_%m}" not in plan
    assert "core_auditevent_default" not in plan
    everything = AuditEvent.objects.all().explain()
    assert f"core_auditevent_p{add_months(month, 1):%Y_%m}" in everything


def _request_events_table_holding_rows():
    """gov_services_requestevent as a plain table (the shape before the migration) with rows over three years."""
    request = _service_request()
    with connection.schema_editor() as editor:
        table_unpartition(editor, "gov_services_requestevent")
    moments = [
        datetime.datetime(2024, 1, 31, 23, 30, tzinfo=SHANGHAI),
        datetime.datetime(2025, 6, 15, tzinfo=SHANGHAI),
        datetime.datetime.now(SHANGHAI),
    ]
    ids = []
    for moment in moments:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO gov_services_requestevent (request_id, at, action, from_status, to_status, note,"
                " internal, data) VALUES (%s, %s, 'note', '', '', '', false, '{}') RETURNING id",
                [request.pk, moment],
            )
            ids.append(cursor.fetchone()[0])
    return request, moments, ids


def test_a_table_holding_rows_converts_in_place_and_back():
    request, moments, ids = _request_events_table_holding_rows()
    assert _fetch("SELECT relkind FROM pg_class WHERE oid = 'gov_services_requestevent'::regclass") == [
        ("r",)
    ]
    assert _fetch(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'gov_services_requestevent'"
        "::regclass AND contype = 'p'"
    ) == [("PRIMARY KEY (id)",)]
    before = _fetch("SELECT * FROM gov_services_requestevent ORDER BY id")

    with connection.schema_editor() as editor:
        table_partition_by_month(editor, "gov_services_requestevent", "at")

    assert _fetch("SELECT * FROM gov_services_requestevent ORDER BY id") == before
    partitions = _month_partitions("gov_services_requestevent")
    assert partitions[0] == "gov_services_requestevent_p2024_01"  # the oldest row's month, in Shanghai
    assert "gov_services_requestevent_p2025_06" in partitions
    assert _partition_of("gov_services_requestevent", ids[0]) == "gov_services_requestevent_p2024_01"
    # the triggers came back and fire on the partitions; the sequence goes on after the copied ids
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        _execute("DELETE FROM gov_services_requestevent_p2024_01")
    event = request.events.create(action="note")
    assert event.pk > max(ids)
    assert request.events.get(pk=ids[1]).at == moments[1]
    # the foreign key to the request is still checked (at commit: Django's keys are deferred)
    with pytest.raises(IntegrityError), transaction.atomic():
        _execute(
            "INSERT INTO gov_services_requestevent (request_id, at, action, from_status, to_status,"
            " note, internal, data) VALUES (-1, now(), 'x', '', '', '', false, '{}')"
        )
        _execute("SET CONSTRAINTS ALL IMMEDIATE")

    with connection.schema_editor() as editor:
        table_unpartition(editor, "gov_services_requestevent")
    assert _fetch("SELECT relkind FROM pg_class WHERE oid = 'gov_services_requestevent'::regclass") == [
        ("r",)
    ]
    assert _fetch("SELECT count(*), max(id) FROM gov_services_requestevent") == [(4, event.pk)]
    assert request.events.create(action="note").pk > event.pk
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        request.events.filter(pk=ids[0]).delete()
    with connection.schema_editor() as editor:  # as the migration left it
        table_partition_by_month(editor, "gov_services_requestevent", "at")


def test_a_table_that_foreign_keys_point_to_is_not_converted():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE cz_plain (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            " at timestamptz NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE cz_pointing (id bigint PRIMARY KEY, plain_id bigint REFERENCES cz_plain (id))"
        )
    with (
        pytest.raises(PartitioningRefused, match="foreign keys point to it"),
        connection.schema_editor() as editor,
    ):
        table_partition_by_month(editor, "cz_plain", "at")


def test_the_maintenance_makes_the_months_ahead_and_reports_without_dropping():
    later = datetime.datetime(2031, 3, 10, tzinfo=datetime.UTC)
    _audit_at(datetime.datetime(2031, 4, 2, tzinfo=SHANGHAI))  # into the default partition, for now
    reports = {r.table: r for r in partitions_ensure(months_ahead=2, retention_months=3, now=later)}
    assert set(TABLES) <= set(reports)
    audit = reports["core_auditevent"]
    assert audit.created == ["core_auditevent_p2031_03", "core_auditevent_p2031_05"]
    assert audit.blocked == [datetime.date(2031, 4, 1)]
    assert audit.default_rows >= 1
    assert {p.name for p in audit.archivable} >= {
        f"core_auditevent_p{month_start(datetime.datetime.now(datetime.UTC)):%Y_%m}"
    }
    again = {r.table: r for r in partitions_ensure(months_ahead=2, now=later)}
    assert again["core_auditevent"].created == []
    assert len(_month_partitions("core_auditevent")) == len(audit.partitions) - 1  # nothing dropped


def test_rows_in_the_default_partition_are_moved_into_partitions_made_for_their_months(capsys):
    from django.core.management import call_command

    months_ago = add_months(month_start(datetime.datetime.now(datetime.UTC)), -14)
    stray = _audit_at(datetime.datetime(months_ago.year, months_ago.month, 3, 9, tzinfo=SHANGHAI))
    ancient = _audit_at(datetime.datetime(1999, 1, 1, tzinfo=SHANGHAI))
    assert _partition_of("core_auditevent", stray.pk) == "core_auditevent_default"
    call_command("db_partitions", "--move-default")
    assert "core_auditevent: moved 1 rows out of core_auditevent_default" in capsys.readouterr().out
    assert _partition_of("core_auditevent", stray.pk) == f"core_auditevent_p{months_ago:%Y_%m}"
    assert _partition_of("core_auditevent", ancient.pk) == "core_auditevent_default"  # older than the limit
    assert AuditEvent.objects.get(pk=stray.pk).at == stray.at
    for target in ("core_auditevent_default", f"core_auditevent_p{months_ago:%Y_%m}"):  # guarded again
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            _execute(f"DELETE FROM {target}")


def test_the_applications_role_can_make_next_months_partition_through_the_function():
    role = f"cz_test_role_{uuid4().hex[:10]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(
            "SELECT cunzhan_month_partition('core_smsoutboxmessage'::regclass, '2033-02-14', 'Asia/Shanghai')"
        )
        assert cursor.fetchone() == ("created",)
        with pytest.raises(Exception, match=r"must be owner|permission denied"), transaction.atomic():
            cursor.execute(
                "CREATE TABLE core_smsoutboxmessage_p2033_03 PARTITION OF core_smsoutboxmessage"
                " FOR VALUES FROM ('2033-03-01') TO ('2033-04-01')"
            )
        cursor.execute("RESET ROLE")
    bound = _fetch(
        "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'core_smsoutboxmessage_p2033_02'"
    )
    assert bound == [("FOR VALUES FROM ('2033-01-31 16:00:00+00') TO ('2033-02-28 16:00:00+00')",)]


def test_a_partition_made_later_has_exactly_its_parents_grants():
    from core.db_app_role import app_role_grant

    role = f"cz_test_role_{uuid4().hex[:10]}"
    _execute(f"CREATE ROLE {role} NOLOGIN")
    app_role_grant(role=role)  # default privileges included: UPDATE and DELETE on tables made later
    _fetch("SELECT cunzhan_month_partition('core_auditevent'::regclass, '2034-05-01', 'Asia/Shanghai')")
    _fetch("SELECT cunzhan_month_partition('core_smsoutboxmessage'::regclass, '2034-05-01', 'Asia/Shanghai')")
    privileges = "SELECT has_table_privilege(%s, %s, 'INSERT'), has_table_privilege(%s, %s, 'UPDATE')"
    assert _fetch(privileges, [role, "core_auditevent_p2034_05"] * 2) == [(True, False)]
    assert _fetch(privileges, [role, "core_auditevent"] * 2) == [(True, False)]
    assert _fetch(privileges, [role, "core_smsoutboxmessage_p2034_05"] * 2) == [(True, True)]


def test_the_celery_task_and_the_command_report(capsys):
    from django.core.management import call_command

    result = db_partitions_ahead.delay().get()
    assert set(TABLES) <= set(result)
    call_command("db_partitions", "--report-only")
    said = capsys.readouterr().out
    assert "core_auditevent (by at):" in said and "gov_services_requestevent (by at):" in said
