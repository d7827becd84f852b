"""The province of benches/reports_kpis.py: its counties (townships, villages, stations, departments, a
county admin) and each county's requests with what hangs off them, written with SQL in one transaction per
county and marked done by its row in bench_reports_marker; the daily request rollups rebuilt after."""

from __future__ import annotations

import os
import time

from benches.harness import progress
from benches.harness.regions import region_node
from benches.harness.worlds import station_node

PER_COUNTY = int(os.environ.get("BENCH_REPORTS_PER_COUNTY", "150000"))
DEPARTMENTS, TOWNSHIPS, VILLAGES_PER_TOWNSHIP = 20, 10, 10
FIRST_DAY, DAYS = "2024-12-01", 730  # the two years of requests, ending 2026-11-30


def rollups_current() -> None:
    """The counties are written with SQL, around the services that keep the daily request rollups: rebuild
    them (`manage.py report_rollups --rebuild`) when they do not count every request."""
    from django.db.models import Sum

    from gov_services.models import ServiceRequest
    from reports.models import RequestRollup
    from reports.rollups import request_rollups_rebuild

    if (RequestRollup.objects.aggregate(n=Sum("received"))["n"] or 0) == ServiceRequest.objects.count():
        return
    progress("rebuilding the daily request rollups…")
    started = time.monotonic()
    rows = request_rollups_rebuild()
    progress(f"  {rows:,} rollup rows in {time.monotonic() - started:.0f} s")


def county_world(c: int) -> dict:
    """County `c` of the province: townships, villages, a station per village, departments with an item
    each, a county admin (made once, reused)."""
    from accounts.models import User
    from gov_services.models import Department, ServiceItem
    from stations.models import StaffAssignment

    province = region_node("980000", "基准省", "city")
    county = region_node(f"98{c + 1:02d}00", f"基准县{c}", "county", province)
    stations = []
    for t in range(TOWNSHIPS):
        town = region_node(f"{county.code}{t:03d}", f"基准镇{c}-{t}", "township", county)
        for v in range(VILLAGES_PER_TOWNSHIP):
            village = region_node(f"{town.code}{v:03d}", f"基准村{c}-{t}-{v}", "village", town)
            stations.append(station_node(f"BK{c:02d}{t}{v}", f"基准站{c}-{t}-{v}", village, address="村委会"))
    items = []
    for d in range(DEPARTMENTS):
        code = f"BENCH-KPI-{c:02d}-{d:02d}"
        department, _ = Department.objects.get_or_create(
            code=code, defaults={"name": f"基准局{c}-{d:02d}", "region": county}
        )
        items.append(
            ServiceItem.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"基准事项{c}-{d:02d}",
                    "department": department,
                    "category": "public_service",
                    "legal_limit_days": 10,
                    "promised_limit_days": 10,
                },
            )[0]
        )
    admin, made = User.objects.get_or_create(
        username=f"bench-county-{c}", defaults={"full_name": f"基准县管理员{c}"}
    )
    if made:
        StaffAssignment.objects.create(
            user=admin, role="county_admin", region=county, started_on="2020-01-01"
        )
    superuser, _ = User.objects.get_or_create(
        username="bench-province",
        defaults={"full_name": "基准省管理员", "is_superuser": True, "is_staff": True},
    )
    return {
        "n": c,
        "county": county,
        "stations": [s.pk for s in stations],
        "items": [i.pk for i in items],
        "departments": [i.department_id for i in items],
        "villages": [s.village_id for s in stations],
        "admin": admin,
        "superuser": superuser,
    }


def prepare_markers() -> int:
    """The marker table; when the rows per county changed (or BENCH_REPORTS_REBUILD=1), empty the requests
    and the markers. Returns how many counties are built."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_reports_marker (county integer PRIMARY KEY, "
            "requests integer NOT NULL, made_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute("SELECT count(*) FROM bench_reports_marker WHERE requests <> %s", [PER_COUNTY])
        stale = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM bench_reports_marker")
        marked = cursor.fetchone()[0]
        cursor.execute("SELECT EXISTS (SELECT 1 FROM gov_services_servicerequest)")
        any_rows = cursor.fetchone()[0]
        if stale or (any_rows and not marked) or os.environ.get("BENCH_REPORTS_REBUILD") == "1":
            progress("the requests were made for another size (or by an older bench): emptying them")
            # Request events are append-only (a trigger refuses TRUNCATE); this throwaway database is
            # emptied with triggers off for this transaction only.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("TRUNCATE gov_services_servicerequest RESTART IDENTITY CASCADE")
            cursor.execute("DELETE FROM bench_reports_marker")
        cursor.execute("SELECT count(*) FROM bench_reports_marker")
        return cursor.fetchone()[0]


def build_county(world: dict) -> None:
    """The county's requests and what hangs off them, all or nothing; the marker row last."""
    from django.db import connection, transaction

    from gov_services.models import SupervisionSweep
    from gov_services.requests.workflow import Action

    c = world["n"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM bench_reports_marker WHERE county = %s", [c])
        if cursor.fetchone():
            return
    progress(f"county {c}: generating {PER_COUNTY:,} requests with SQL…")
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM gov_services_servicerequest")
        before = cursor.fetchone()[0]
        cursor.execute(
            _REQUESTS,
            {
                "n": PER_COUNTY,
                "c": c,
                "items": world["items"],
                "departments": world["departments"],
                "stations": world["stations"],
                "villages": world["villages"],
                "first": FIRST_DAY,
                "days": DAYS,
            },
        )
        sweep = SupervisionSweep.objects.create(at="2026-11-30T12:00:00+08:00", trigger="command")
        for statement in _DERIVED:
            cursor.execute(
                statement, {"return": Action.RETURN_FOR_SUPPLEMENT, "sweep": sweep.pk, "before": before}
            )
        cursor.execute("INSERT INTO bench_reports_marker (county, requests) VALUES (%s, %s)", [c, PER_COUNTY])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    progress(f"  county {c} generated in {time.monotonic() - started:.0f} s")


# Request i of county c: department and item i mod 20; at a station ((i / 3) mod 100) for 70 %, else filed
# online from a village ((i / 7) mod 100); submitted in filing order over the two years, between 08:00 and
# 18:00 Beijing time; accepted unless i mod 10 = 0; completed after (i mod 13) days when i mod 10 is 1…6.
_REQUESTS = """
INSERT INTO gov_services_servicerequest
  (tracking_code, idempotency_key, kind, appeal_category, subject, description, place, applicant_name,
   applicant_id_number, applicant_phone, consent, signature, channel, form_data, status, submitted_at,
   accepted_at, due_at, completed_at, department_id, item_id, station_id, village_id, is_public)
SELECT 'B' || lpad(%(c)s::text, 2, '0') || lpad(i::text, 9, '0'), gen_random_uuid(), 'application', '', '', '',
       '', '基准申请人', '130225198001010011', '13800000000', 'witnessed', '',
       CASE WHEN i %% 10 < 7 THEN 'counter' ELSE 'web' END, '{}',
       CASE WHEN i %% 10 = 0 THEN 'submitted' WHEN i %% 10 < 7 THEN 'completed' ELSE 'accepted' END,
       s.at, CASE WHEN i %% 10 <> 0 THEN s.at END, s.at + interval '10 days',
       CASE WHEN i %% 10 BETWEEN 1 AND 6 THEN s.at + (i %% 13) * interval '1 day' END,
       (%(departments)s::bigint[])[1 + i %% 20], (%(items)s::bigint[])[1 + i %% 20],
       CASE WHEN i %% 10 < 7 THEN (%(stations)s::bigint[])[1 + (i / 3) %% 100] END,
       CASE WHEN i %% 10 >= 7 THEN (%(villages)s::bigint[])[1 + (i / 7) %% 100] END, false
FROM generate_series(1, %(n)s) AS i,
     LATERAL (SELECT (%(first)s::date + ((i - 1)::bigint * %(days)s / %(n)s)::integer)::timestamp
                     AT TIME ZONE 'Asia/Shanghai' + interval '8 hours' + (i %% 600) * interval '1 minute' AS at) AS s
"""
_DERIVED = [
    """INSERT INTO gov_services_rating (request_id, score, comment, at, original_score, original_comment,
                                        rerated_at, set_aside)
       SELECT id, 1 + id %% 5, '', completed_at, NULL, '', NULL, false FROM gov_services_servicerequest
       WHERE id > %(before)s AND completed_at IS NOT NULL AND id %% 3 <> 0""",
    """INSERT INTO gov_services_followup (request_id, status, opened_at, outcome)
       SELECT request_id, 'open', at, '' FROM gov_services_rating WHERE request_id > %(before)s AND score <= 2""",
    """INSERT INTO gov_services_requestevent (request_id, at, action, from_status, to_status, note, internal, data)
       SELECT id, submitted_at, %(return)s, 'submitted', 'returned', '', false, '{}'
       FROM gov_services_servicerequest WHERE id > %(before)s AND id %% 20 = 3""",
    """INSERT INTO gov_services_supervisioncard (request_id, level, department_id, issued_at, sweep_id)
       SELECT id, 'yellow', department_id, submitted_at + interval '8 days', %(sweep)s
       FROM gov_services_servicerequest WHERE id > %(before)s AND id %% 33 = 0""",
    """INSERT INTO gov_services_supervisioncard (request_id, level, department_id, issued_at, sweep_id)
       SELECT id, 'red', department_id, submitted_at + interval '11 days', %(sweep)s
       FROM gov_services_servicerequest WHERE id > %(before)s AND id %% 99 = 0""",
]
