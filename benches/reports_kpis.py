"""The government-service KPI table by department over a year of 1,000,000 requests on PostgreSQL,
against hand-written SQL of the same figures, in the same run.

Data: one INSERT … SELECT generate_series for the requests (a year, 20 departments, 20 stations in 5
townships, 30 % filed online with the resident's village), then ratings, follow-ups, "returned for
supplement" events and supervision cards derived from them in SQL. Only the bench database is touched:
BENCH_REPORTS_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cz_reports_bench), migrated on
first use; the rows are reused while their number is BENCH_REPORTS_ROWS (default 1,000,000). The first
run migrates and generates (about 20 minutes on a busy 2-core machine: the INSERT maintains 14 indexes);
later runs measure only, in under 3 minutes.

Figures (seconds, lower is better), each the median of BENCH_REPORTS_RUNS runs (default 3) after a
warm-up (the run that checks the figures agree):
* ours — reports.selectors.gov_kpis.kpi_table(dimensions=("department",)) for the whole year, in the
  public scope (the public performance page) and in a county admin's scope (requests whose village,
  or whose station's village, lies in the county);
* baseline — the same figures from four hand-written GROUP BY queries with FILTER aggregates and the
  same median of working days, in Python, from (submission day, completion day) pairs.
The two must agree figure by figure, or the benchmark fails. Work runs in a child process
(`python -m benches.reports_kpis --child`) with Django set up against the bench database; it prints
one JSON line that this module turns into rows.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

from benches.harness import ROOT, Context, Row, clean_env, progress

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cz_reports_bench"
ROWS = int(os.environ.get("BENCH_REPORTS_ROWS", "1000000"))
RUNS = int(os.environ.get("BENCH_REPORTS_RUNS", "3"))
DEPARTMENTS, TOWNSHIPS, VILLAGES_PER_TOWNSHIP = 20, 5, 4


def run(ctx: Context) -> list[Row]:
    url = os.environ.get("BENCH_REPORTS_DATABASE_URL", DEFAULT_URL)
    _create_database(url)
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="false", DATABASE_URL=url,
                    CACHE_URL="locmemcache://bench", CELERY_BROKER_URL="", LOG_LEVEL="WARNING",
                    SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdefghij",
                    BENCH_REPORTS_ROWS=str(ROWS), BENCH_REPORTS_RUNS=str(RUNS))
    child = subprocess.run([sys.executable, "-m", "benches.reports_kpis", "--child"], env=env, cwd=ROOT,
                           stdout=subprocess.PIPE, text=True, check=False)
    if child.returncode != 0:
        raise RuntimeError(f"the KPI benchmark's child failed with status {child.returncode}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    ctx.note(f"reports KPIs: {result['rows']:,} requests on PostgreSQL over one year, {result['departments']} "
             f"departments; median of {RUNS} runs after a warm-up; ours and the baseline agree on every figure")
    return [
        Row(f"KPI table by department, a year, {result['rows']:,} requests, public scope", result["ours_public"],
            result["raw_public"], fmt="{:,.3f} s", better="lower", note="vs hand-written SQL"),
        Row("KPI table by department, a year, county admin's scope", result["ours_county"], result["raw_county"],
            fmt="{:,.3f} s", better="lower", note="vs hand-written SQL"),
    ]


def _create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            progress(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


# --- the child: Django set up against the bench database ---------------------------------------------

def _child() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    progress("migrating the bench database (minutes, the first time only)…")
    call_command("migrate", verbosity=0, interactive=False)
    world = _world()
    _generate(world)
    print(json.dumps(_measure(world)))


def _world() -> dict:
    """A county with townships, villages, a station per village, departments with an item each (made once)."""
    from gov_services.models import Department, ServiceItem
    from stations.models import Region, Station

    def node(parent, code, name, level):
        found = Region.objects.filter(code=code).first()
        if found:
            return found
        return parent.add_child(code=code, name=name, level=level) if parent else Region.add_root(
            code=code, name=name, level=level)

    city = node(None, "980000", "基准市", "city")
    county = node(city, "980100", "基准县", "county")
    stations = []
    for t in range(TOWNSHIPS):
        town = node(county, f"980100{t:03d}", f"基准镇{t}", "township")
        for v in range(VILLAGES_PER_TOWNSHIP):
            village = node(town, f"980100{t:03d}{v:03d}", f"基准村{t}-{v}", "village")
            station, _ = Station.objects.get_or_create(code=f"BK{t}{v:02d}", defaults={
                "name": f"基准站{t}-{v}", "village": village, "address": "村委会", "status": "open"})
            stations.append(station)
    items = []
    for d in range(DEPARTMENTS):
        department, _ = Department.objects.get_or_create(code=f"BENCH-KPI-{d:02d}",
                                                         defaults={"name": f"基准局{d:02d}", "region": county})
        items.append(ServiceItem.objects.get_or_create(code=f"BENCH-KPI-{d:02d}", defaults={
            "name": f"基准事项{d:02d}", "department": department, "category": "public_service",
            "legal_limit_days": 10, "promised_limit_days": 10})[0])
    return {"county": county, "stations": stations, "items": items,
            "villages": [s.village_id for s in stations]}


def _generate(world: dict) -> None:
    """(Re)generate the requests and what hangs off them when their number is not ROWS."""
    from django.db import connection

    from gov_services.models import SupervisionSweep
    from gov_services.workflow import Action

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM gov_services_servicerequest WHERE tracking_code LIKE 'K%%'")
        if cursor.fetchone()[0] == ROWS:
            progress(f"reusing the {ROWS:,} generated requests")
            return
        progress(f"generating {ROWS:,} requests with SQL…")
        started = time.monotonic()
        cursor.execute("TRUNCATE gov_services_servicerequest RESTART IDENTITY CASCADE")
        cursor.execute(_REQUESTS, {"n": ROWS, "items": [i.pk for i in world["items"]],
                                   "departments": [i.department_id for i in world["items"]],
                                   "stations": [s.pk for s in world["stations"]], "villages": world["villages"]})
        sweep = SupervisionSweep.objects.create(at="2025-12-31T12:00:00+08:00", trigger="command")
        for statement in _DERIVED:
            cursor.execute(statement, {"return": Action.RETURN_FOR_SUPPLEMENT, "sweep": sweep.pk})
        cursor.execute("ANALYZE")
        progress(f"  generated in {time.monotonic() - started:.0f} s")


# Request i: department and item i mod 20; a station (i mod 20) for 70 %, else filed online from a
# village; submitted on day i mod 365 of 2025 at 08:00 + (i mod 600) minutes, Beijing time; accepted
# unless i mod 10 = 0; completed after (i mod 13) days when i mod 10 < 7; due after 10 days.
_REQUESTS = """
INSERT INTO gov_services_servicerequest
  (tracking_code, idempotency_key, kind, appeal_category, subject, description, place, applicant_name,
   applicant_id_number, applicant_phone, consent, signature, channel, form_data, status, submitted_at,
   accepted_at, due_at, completed_at, department_id, item_id, station_id, village_id)
SELECT 'K' || lpad(i::text, 10, '0'), gen_random_uuid(), 'application', '', '', '', '', '基准申请人',
       '130225198001010011', '13800000000', 'witnessed', '',
       CASE WHEN i %% 10 < 7 THEN 'counter' ELSE 'web' END, '{}',
       CASE WHEN i %% 10 = 0 THEN 'submitted' WHEN i %% 10 < 7 THEN 'completed' ELSE 'accepted' END,
       s.at, CASE WHEN i %% 10 <> 0 THEN s.at END, s.at + interval '10 days',
       CASE WHEN i %% 10 BETWEEN 1 AND 6 THEN s.at + (i %% 13) * interval '1 day' END,
       (%(departments)s::bigint[])[1 + i %% 20], (%(items)s::bigint[])[1 + i %% 20],
       CASE WHEN i %% 10 < 7 THEN (%(stations)s::bigint[])[1 + i %% 20] END,
       CASE WHEN i %% 10 >= 7 THEN (%(villages)s::bigint[])[1 + (i / 7) %% 20] END
FROM generate_series(1, %(n)s) AS i,
     LATERAL (SELECT timestamptz '2025-01-01 08:00:00+08' + (i %% 365) * interval '1 day'
                     + (i %% 600) * interval '1 minute' AS at) AS s
"""
_DERIVED = [
    """INSERT INTO gov_services_rating (request_id, score, comment, at)
       SELECT id, 1 + id %% 5, '', completed_at FROM gov_services_servicerequest
       WHERE completed_at IS NOT NULL AND id %% 3 <> 0""",
    """INSERT INTO gov_services_followup (request_id, status, opened_at, outcome)
       SELECT request_id, 'open', at, '' FROM gov_services_rating WHERE score <= 2""",
    """INSERT INTO gov_services_requestevent (request_id, at, action, from_status, to_status, note, internal, data)
       SELECT id, submitted_at, %(return)s, 'submitted', 'returned', '', false, '{}'
       FROM gov_services_servicerequest WHERE id %% 20 = 3""",
    """INSERT INTO gov_services_supervisioncard (request_id, level, department_id, issued_at, sweep_id)
       SELECT id, 'yellow', department_id, submitted_at + interval '8 days', %(sweep)s
       FROM gov_services_servicerequest WHERE id %% 33 = 0""",
    """INSERT INTO gov_services_supervisioncard (request_id, level, department_id, issued_at, sweep_id)
       SELECT id, 'red', department_id, submitted_at + interval '11 days', %(sweep)s
       FROM gov_services_servicerequest WHERE id %% 99 = 0""",
]


# --- the baseline: the same figures by hand --------------------------------------------------------

# `{place}` narrows to a scope: empty for the public scope, a join and a predicate for a county.
_COUNTY_JOIN = """LEFT JOIN stations_region v ON v.id = r.village_id
                  LEFT JOIN stations_station st ON st.id = r.station_id
                  LEFT JOIN stations_region sv ON sv.id = st.village_id"""
_COUNTY_WHERE = "AND (v.path LIKE %(path)s OR (r.village_id IS NULL AND sv.path LIKE %(path)s))"
_RAW_COUNTS = """
SELECT r.department_id, count(*),
       count(*) FILTER (WHERE r.accepted_at IS NOT NULL),
       count(*) FILTER (WHERE r.completed_at IS NOT NULL),
       count(*) FILTER (WHERE r.completed_at IS NOT NULL AND r.due_at IS NOT NULL AND r.completed_at <= r.due_at),
       count(rt.id), count(rt.id) FILTER (WHERE rt.score IN (3, 4, 5)), count(f.id)
FROM gov_services_servicerequest r
LEFT JOIN gov_services_rating rt ON rt.request_id = r.id
LEFT JOIN gov_services_followup f ON f.request_id = r.id
{join}
WHERE r.submitted_at >= %(start)s AND r.submitted_at <= %(end)s {where}
GROUP BY r.department_id
"""
_RAW_RETURNS = """
SELECT r.department_id, count(*) FROM gov_services_requestevent e
JOIN gov_services_servicerequest r ON r.id = e.request_id {join}
WHERE e.action = %(return)s AND r.submitted_at >= %(start)s AND r.submitted_at <= %(end)s {where}
GROUP BY r.department_id
"""
_RAW_CARDS = """
SELECT c.department_id, c.level, count(*) FROM gov_services_supervisioncard c
JOIN gov_services_servicerequest r ON r.id = c.request_id {join}
WHERE r.submitted_at >= %(start)s AND r.submitted_at <= %(end)s {where}
GROUP BY c.department_id, c.level
"""
_RAW_DAYS = """
SELECT r.department_id, (r.submitted_at AT TIME ZONE 'Asia/Shanghai')::date,
       (r.completed_at AT TIME ZONE 'Asia/Shanghai')::date, count(*)
FROM gov_services_servicerequest r {join}
WHERE r.completed_at IS NOT NULL AND r.submitted_at >= %(start)s AND r.submitted_at <= %(end)s {where}
GROUP BY 1, 2, 3
"""


def _raw_table(period, county_path: str | None) -> dict:
    """{department name: {figure: value}} from hand-written SQL, plus the median in Python."""
    from collections import defaultdict

    from django.db import connection

    from core.timeutil import end_of_day, start_of_day
    from gov_services.selectors.calendar import work_calendar
    from gov_services.workflow import Action
    from reports.kpis import WorkingDayIndex, weighted_median

    args = {"start": start_of_day(period.start), "end": end_of_day(period.end),
            "return": Action.RETURN_FOR_SUPPLEMENT, "path": f"{county_path}%"}
    place = {"join": _COUNTY_JOIN, "where": _COUNTY_WHERE} if county_path else {"join": "", "where": ""}
    out: dict = defaultdict(lambda: defaultdict(int))
    names = ("received", "accepted", "completed", "completed_on_time", "rated", "satisfied", "follow_ups")
    with connection.cursor() as cursor:
        cursor.execute(_RAW_COUNTS.format(**place), args)
        for department, *counts in cursor.fetchall():
            out[department].update(zip(names, counts, strict=True))
        cursor.execute(_RAW_RETURNS.format(**place), args)
        for department, n in cursor.fetchall():
            out[department]["returns"] = n
        cursor.execute(_RAW_CARDS.format(**place), args)
        for department, level, n in cursor.fetchall():
            out[department][f"{level}_cards"] += n
        cursor.execute(_RAW_DAYS.format(**place), args)
        pairs = cursor.fetchall()
        cursor.execute("SELECT id, name FROM gov_services_department WHERE id = ANY(%s)", [list(out)])
        labels = dict(cursor.fetchall())
    if pairs:
        index = WorkingDayIndex(work_calendar(), min(p[1] for p in pairs), max(p[2] for p in pairs))
        days = defaultdict(list)
        for department, start, end, n in pairs:
            days[department].append((index.between(start, end), n))
        for department, counts in days.items():
            out[department]["median_days_to_complete"] = weighted_median(counts)
    return {labels[d]: dict(figures) for d, figures in out.items()}


def _ours(period, scope) -> dict:
    from reports.selectors.gov_kpis import kpi_table

    table = kpi_table(scope=scope, period=period, dimensions=("department",))
    return {row.labels[0]: {k: v for k, v in row.kpis.as_dict().items() if not k.endswith("_rate")}
            for row in table.rows}


def _same(ours: dict, raw: dict) -> None:
    for department, figures in ours.items():
        expected = raw.get(department, {})
        for name, value in figures.items():
            if (expected.get(name) or 0) != (value or 0):
                raise RuntimeError(f"{department} {name}: ours {value!r}, hand-written SQL {expected.get(name)!r}")
    if set(raw) - set(ours):
        raise RuntimeError(f"departments missing from ours: {sorted(set(raw) - set(ours))}")


def _median_time(fn) -> float:
    """The median of RUNS timed calls; the figure check before it was the warm-up (the work
    calendar's cache, the database's buffers)."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _measure(world: dict) -> dict:
    import datetime

    from reports.selectors.dimensions import Period
    from reports.selectors.scope import ReportScope

    year = Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    county = world["county"]
    result = {"rows": ROWS, "departments": DEPARTMENTS}
    for label, scope, path in (("public", ReportScope.public(), None),
                               ("county", ReportScope(region_paths=(county.path,)), county.path)):
        _same(_ours(year, scope), _raw_table(year, path))
        progress(f"{label} scope: figures agree; timing ours…")
        result[f"ours_{label}"] = _median_time(lambda scope=scope: _ours(year, scope))
        progress(f"  {result[f'ours_{label}']:.3f} s; timing the hand-written SQL…")
        result[f"raw_{label}"] = _median_time(lambda path=path: _raw_table(year, path))
        progress(f"  {result[f'raw_{label}']:.3f} s")
    return result


if __name__ == "__main__":
    if "--child" in sys.argv:
        sys.path.insert(0, str(ROOT))
        _child()
    else:
        from benches.__main__ import main

        sys.exit(main(["--only", "reports-kpis"]))
