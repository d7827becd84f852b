"""Supervision sweep over 1,000,000 open requests on PostgreSQL, against raw SELECTs of the same rows.

Rows are generated with one INSERT … SELECT generate_series (only the bench database is touched:
BENCH_SUPERVISION_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/cz_supervision, migrated on
first use). Deadlines are spread over the coming 100 days, so at the sweep's moment about 3% are
overdue (red) and a few % more are near their limit (yellow): ~75,000 cards and ~45,000 escalations
on the first run.

On PostgreSQL the sweep is set-based: one INSERT … SELECT … ON CONFLICT DO NOTHING per card level and per
escalation step writes the cards/escalations and their RequestEvents inside the database, so the first
sweep costs about as much as reading the open requests once — which is what the baseline does.

Figures (seconds, lower is better):
* first sweep — issues every due card and escalation, with their RequestEvents — against a raw
  SELECT of all open requests (reading each once, the least a naive Python sweep would do);
* second sweep at the same moment — issues nothing — against a raw SELECT of the rows due a card.

The work runs in a child process (`python -m benches.supervision_sweep --child`) with Django set up
against the bench database; it prints one JSON line that this module turns into rows.
BENCH_SUPERVISION_ROWS changes the number of requests (default 1,000,000).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from benches.harness import ROOT, Context, Row, clean_env, progress

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cz_supervision"
ROWS = int(os.environ.get("BENCH_SUPERVISION_ROWS", "1000000"))


def run(ctx: Context) -> list[Row]:
    url = os.environ.get("BENCH_SUPERVISION_DATABASE_URL", DEFAULT_URL)
    _create_database(url)
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="false", DATABASE_URL=url,
                    CACHE_URL="locmemcache://bench", CELERY_BROKER_URL="", LOG_LEVEL="WARNING",
                    SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdefghij",
                    SMS_BACKEND="core.sms.ConsoleBackend", BENCH_SUPERVISION_ROWS=str(ROWS))
    child = subprocess.run([sys.executable, "-m", "benches.supervision_sweep", "--child"], env=env, cwd=ROOT,
                           stdout=subprocess.PIPE, text=True, check=False)
    if child.returncode != 0:
        raise RuntimeError(f"the sweep benchmark's child failed with status {child.returncode}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    ctx.note(f"supervision sweep: {result['open']:,} open requests on PostgreSQL; the first sweep issued "
             f"{result['cards']:,} cards and {result['escalations']:,} escalations")
    return [
        Row(f"supervision sweep, {result['open']:,} open, first run", result["first"], result["baseline_all"],
            fmt="{:,.2f} s", better="lower", note="vs SELECT every open request"),
        Row("supervision sweep, same moment again (issues nothing)", result["second"], result["baseline_due"],
            fmt="{:,.2f} s", better="lower", note="vs SELECT the rows due a card"),
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
    now = _now()
    _reset(world, now)
    timings = _measure(world, now)
    print(json.dumps(timings))


def _now():
    from datetime import datetime

    from core.timeutil import COUNTY_TZ

    return datetime(2025, 6, 11, 10, 0, tzinfo=COUNTY_TZ)  # a Wednesday with no holiday near


def _world() -> dict:
    """The county, a department, two items (10 and 20 working days), made once."""
    from gov_services.models import Department, ServiceItem
    from stations.models import Region

    city = Region.objects.filter(code="990000").first() or Region.add_root(name="基准市", code="990000", level="city")
    county = (Region.objects.filter(code="990100").first()
              or city.add_child(name="基准县", code="990100", level="county"))
    town = (Region.objects.filter(code="990100001").first()
            or county.add_child(name="基准镇", code="990100001", level="township"))
    village = (Region.objects.filter(code="990100001001").first()
               or town.add_child(name="基准村", code="990100001001", level="village"))
    department, _ = Department.objects.get_or_create(code="BENCH-SUP", defaults={"name": "基准局", "region": county})
    items = [ServiceItem.objects.get_or_create(
        code=f"BENCH-SUP-{days}", defaults={"name": f"基准事项{days}", "department": department,
                                            "category": "public_service", "legal_limit_days": days,
                                            "promised_limit_days": days})[0] for days in (10, 20)]
    return {"county": county, "village": village, "department": department, "items": items}


def _reset(world: dict, now) -> None:
    """Empty the supervision tables; (re)generate the requests when their number is not ROWS."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE gov_services_supervisioncard, gov_services_escalation, "
                       "gov_services_requestevent, gov_services_supervisionsweep")
        cursor.execute("SELECT count(*) FROM gov_services_servicerequest WHERE department_id = %s",
                       [world["department"].pk])
        if cursor.fetchone()[0] == ROWS:
            return
        progress(f"generating {ROWS:,} open requests with SQL…")
        started = time.monotonic()
        cursor.execute("TRUNCATE gov_services_servicerequest CASCADE")
        cursor.execute(_GENERATE, {"n": ROWS, "now": now, "dept": world["department"].pk,
                                   "item_a": world["items"][0].pk, "item_b": world["items"][1].pk,
                                   "village": world["village"].pk})
        cursor.execute("ANALYZE gov_services_servicerequest")
        progress(f"  generated in {time.monotonic() - started:.0f} s")


# Deadlines: the end of (today + (i mod 100) − 3) days, Beijing time: 3% overdue, the rest spread ahead.
_GENERATE = """
INSERT INTO gov_services_servicerequest
  (tracking_code, idempotency_key, kind, appeal_category, subject, description, place, applicant_name,
   applicant_id_number, applicant_phone, consent, signature, channel, form_data, status, submitted_at,
   accepted_at, due_at, department_id, item_id, village_id)
SELECT 'B' || lpad(i::text, 10, '0'), gen_random_uuid(), 'application', '', '', '', '', '基准申请人',
       '130225198001010011', '13800000000', 'witnessed', '', 'counter', '{}', 'accepted',
       %(now)s - interval '20 days', %(now)s - interval '20 days',
       date_trunc('day', %(now)s AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
         + ((i %% 100) - 3) * interval '1 day' + interval '23 hours 59 minutes 59 seconds',
       %(dept)s, CASE WHEN i %% 2 = 0 THEN %(item_a)s ELSE %(item_b)s END, %(village)s
FROM generate_series(1, %(n)s) AS i
"""


def _timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def _measure(world: dict, now) -> dict:
    from django.db import connection

    from gov_services.models import Escalation, SupervisionCard
    from gov_services.services.supervision import supervision_sweep_run
    from gov_services.workflow import CLOCK_RUNNING

    running = [str(s) for s in CLOCK_RUNNING]

    def select_all():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, department_id, status, due_at, item_id FROM gov_services_servicerequest "
                           "WHERE status = ANY(%s) AND paused_at IS NULL", [running])
            return len(cursor.fetchall())

    def select_due():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, department_id, status, due_at, item_id FROM gov_services_servicerequest "
                           "WHERE status = ANY(%s) AND paused_at IS NULL AND due_at <= %s",
                           [running, now.replace(hour=23, minute=59) + _days(2)])
            return len(cursor.fetchall())

    progress("baseline: SELECT every open request…")
    baseline_all, open_count = _timed(select_all)
    progress(f"  {baseline_all:.2f} s for {open_count:,} rows")
    progress("ours: the first sweep…")
    first, _ = _timed(lambda: supervision_sweep_run(now=now))
    cards, escalations = SupervisionCard.objects.count(), Escalation.objects.count()
    progress(f"  {first:.2f} s: {cards:,} cards, {escalations:,} escalations")
    progress("baseline: SELECT the rows due a card…")
    baseline_due, due_count = _timed(select_due)
    progress(f"  {baseline_due:.2f} s for {due_count:,} rows")
    progress("ours: the same moment again…")
    second, sweep = _timed(lambda: supervision_sweep_run(now=now))
    progress(f"  {second:.2f} s, issued {sweep.counts['yellow'] + sweep.counts['red']} cards")
    return {"open": open_count, "cards": cards, "escalations": escalations, "first": first, "second": second,
            "baseline_all": baseline_all, "baseline_due": baseline_due}


def _days(n: int):
    from datetime import timedelta

    return timedelta(days=n)


if __name__ == "__main__":
    if "--child" in sys.argv:
        sys.path.insert(0, str(ROOT))
        _child()
    else:
        from benches.__main__ import main

        sys.exit(main(["--only", "supervision-sweep"]))
