"""The month arithmetic behind the partitions (core/partitioning), and what the maintenance does where
there is no PostgreSQL. The partitions themselves: test_partitioning_postgres.py."""

import datetime
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection

from core.partitioning.maintenance import partitions_ensure
from core.partitioning.months import add_months, month_start, months_between, partition_name

UTC = datetime.UTC


def test_a_month_is_the_calendar_month_in_the_projects_time_zone():
    # 16:30 UTC on 31 January is already 1 February in Shanghai
    assert month_start(datetime.datetime(2026, 1, 31, 16, 30, tzinfo=UTC)) == datetime.date(2026, 2, 1)
    assert month_start(datetime.datetime(2026, 1, 31, 15, 59, tzinfo=UTC)) == datetime.date(2026, 1, 1)
    assert month_start(datetime.datetime(2026, 1, 31, 16, 30, tzinfo=UTC), "UTC") == datetime.date(2026, 1, 1)
    shanghai = datetime.datetime(2026, 3, 1, 0, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert month_start(shanghai) == datetime.date(2026, 3, 1)
    assert month_start(datetime.date(2026, 5, 17)) == datetime.date(2026, 5, 1)


def test_months_count_across_years_and_name_their_partitions():
    assert add_months(datetime.date(2026, 11, 1), 3) == datetime.date(2027, 2, 1)
    assert add_months(datetime.date(2026, 1, 1), -1) == datetime.date(2025, 12, 1)
    assert add_months(datetime.date(2026, 1, 1), -120) == datetime.date(2016, 1, 1)
    assert months_between(datetime.date(2025, 11, 20), datetime.date(2026, 2, 1)) == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]
    assert partition_name("core_auditevent", datetime.date(2026, 2, 1)) == "core_auditevent_p2026_02"


@pytest.mark.django_db
def test_without_postgresql_the_maintenance_does_nothing_and_says_so(capsys):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite path")
    assert partitions_ensure() == []
    call_command("db_partitions")
    assert "PostgreSQL only" in capsys.readouterr().out
