"""Month partitioning on PostgreSQL (core/partitioning): the audit trail as one plain table (before)
against the same rows partitioned by month (after), in the same run.

Data: two copies of an audit-trail table shaped like core_auditevent (its columns, its four indexes and
its append-only trigger; no foreign keys), BENCH_PARTITION_MONTHS months (default 24; 6 under --short)
ending with the current one, BENCH_PARTITION_ROWS_PER_MONTH rows a month (default 100,000; 2,000 under
--short). `bench_audit_plain` stays plain; `bench_audit_part` is filled the same way as a plain table
and then converted in place by core.partitioning.table_partition_by_month, the function the migrations
call (timed: the conversion rate an existing database would see). Both are built in one transaction
that commits a marker last, so an interrupted build leaves nothing a rerun would take for complete;
the rows are reused while the marker matches the sizes. Only the bench database is touched:
BENCH_PARTITION_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cz_partition_bench); Django
is set up against it without migrating it.

Figures, ours (partitioned) against the baseline (plain), interleaved, median of BENCH_PARTITION_RUNS
runs (default 5; 1 under --short); every write is rolled back, so the runs see the same data:
* insert rate: 2,000 single-row INSERTs at now() (1,000 under --short), one statement each, in one
  transaction;
* a one-month report in the middle of the range (count by action), what reports and exports run;
* archiving one month: DETACH PARTITION against DELETE of the month's rows (the append-only trigger
  lifted by the owner for that transaction, as docs/partitioning.md describes for the plain table);
* costs partitioning brings: a look-up by id alone (Django's .get(pk=…), one index probe per month
  partition) and one target's latest events (the target index, probed in every partition).
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import sys
import time
import zoneinfo

from benches.harness import (
    POSTGRES_SERVER,
    Context,
    Row,
    child_json,
    postgres_database_ensure,
    progress,
    project_env,
)

DEFAULT_URL = f"{POSTGRES_SERVER}/cz_partition_bench"


def run(ctx: Context) -> list[Row]:
    url = os.environ.get("BENCH_PARTITION_DATABASE_URL", DEFAULT_URL)
    postgres_database_ensure(url)
    months = int(os.environ.get("BENCH_PARTITION_MONTHS", ctx.scaled(24, 6)))
    per_month = int(os.environ.get("BENCH_PARTITION_ROWS_PER_MONTH", ctx.scaled(100_000, 2_000)))
    runs = int(os.environ.get("BENCH_PARTITION_RUNS", ctx.scaled(5, 1)))
    env = project_env(DATABASE_URL=url)
    r = child_json("benches.partitioning", "--child", str(months), str(per_month), str(runs), env=env)
    ctx.note(
        f"partitioning: {r['rows']:,} audit rows over {months} months in each table on PostgreSQL; converted in "
        f"place in {r['convert_s']:.1f} s ({r['rows'] / r['convert_s']:,.0f} rows/s, indexes and triggers "
        f"included); median of {runs} interleaved runs; every write rolled back"
    )
    return [
        Row(
            "audit insert rate, partitioned vs plain",
            r["insert_part"],
            r["insert_plain"],
            fmt="{:,.0f} rows/s",
            better="higher",
            note="single-row INSERTs in one transaction",
            goal="≥ 0.8×",
            met=ctx.judge(r["insert_part"] >= 0.8 * r["insert_plain"]),
        ),
        Row(
            f"one-month audit report over {months} months",
            r["month_part"],
            r["month_plain"],
            fmt="{:,.1f} ms",
            better="lower",
            note="count by action; pruned to one partition",
            goal="≤ 1×",
            met=ctx.judge(r["month_part"] <= r["month_plain"]),
        ),
        Row(
            "archive one month: DETACH vs DELETE",
            r["archive_part"],
            r["archive_plain"],
            fmt="{:,.1f} ms",
            better="lower",
            note=f"{per_month:,} rows",
            goal="< 0.05×",
            met=ctx.judge(r["archive_part"] < 0.05 * r["archive_plain"]),
        ),
        Row(
            "look-up by id alone (.get(pk=…))",
            r["by_id_part"],
            r["by_id_plain"],
            fmt="{:,.3f} ms",
            better="lower",
            note=f"one index probe per partition ({months + 4})",
            goal="< 1 ms",
            met=ctx.judge(r["by_id_part"] < 1.0),
        ),
        Row(
            "one target's latest 20 events",
            r["target_part"],
            r["target_plain"],
            fmt="{:,.3f} ms",
            better="lower",
            note="target index probed in every partition",
            goal="< 5 ms",
            met=ctx.judge(r["target_part"] < 5.0),
        ),
    ]


# --- the child: Django set up against the bench database (not migrated) -------------------------------

TABLE = """
CREATE TABLE {name} (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    action varchar(60) NOT NULL,
    target_id varchar(40) NOT NULL,
    target_repr varchar(200) NOT NULL,
    data jsonb NOT NULL,
    actor_id bigint,
    target_type_id integer NOT NULL
);
CREATE INDEX {name}_at ON {name} (at);
CREATE INDEX {name}_target ON {name} (target_type_id, target_id, at);
CREATE INDEX {name}_actor ON {name} (actor_id);
CREATE INDEX {name}_target_type ON {name} (target_type_id);
CREATE TRIGGER {name}_append_only BEFORE UPDATE OR DELETE ON {name}
FOR EACH ROW EXECUTE FUNCTION cunzhan_forbid_change();
CREATE TRIGGER {name}_no_truncate BEFORE TRUNCATE ON {name}
FOR EACH STATEMENT EXECUTE FUNCTION cunzhan_forbid_change();
"""
FORBID = """
CREATE OR REPLACE FUNCTION cunzhan_forbid_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""
# The rows: `months` months ending with the current one (Asia/Shanghai), evenly spread; 12 actions,
# 5,000 actors, 20,000 targets of 8 types.
FILL = """
INSERT INTO {name} (at, action, target_id, target_repr, data, actor_id, target_type_id)
SELECT %(first)s::timestamptz + (%(span)s::interval * (g::float8 / %(rows)s)),
       'action.' || (g %% 12), (g %% 20000)::text, 'target ' || (g %% 20000), '{{"n": 1}}'::jsonb,
       1 + g %% 5000, 1 + g %% 8
FROM generate_series(0, %(rows)s - 1) AS g ORDER BY 1
"""


def _child(months: int, per_month: int, runs: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction

    from core.partitioning.convert import table_partition_by_month
    from core.partitioning.functions import install_functions
    from core.partitioning.months import add_months, month_start

    rows = months * per_month

    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    current = month_start(datetime.datetime.now(datetime.UTC))
    first_month = add_months(current, -(months - 1))
    first = datetime.datetime(first_month.year, first_month.month, 1, tzinfo=tz)
    marker = f"{rows}:{months}:{first_month:%Y-%m}"

    cursor = connection.cursor()
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_marker (name text PRIMARY KEY, value text NOT NULL)")
    cursor.execute("SELECT value FROM bench_marker WHERE name = 'partitioning'")
    found = cursor.fetchone()
    convert_s = None
    if found and found[0].split("|")[0] == marker:
        convert_s = float(found[0].split("|")[1])
        progress(f"partitioning: reusing {rows:,} rows a table")
    else:
        progress(f"partitioning: building {rows:,} rows a table over {months} months (once)…")
        started = time.monotonic()
        with transaction.atomic():
            cursor.execute("DROP TABLE IF EXISTS bench_audit_plain, bench_audit_part CASCADE")
            cursor.execute("DELETE FROM bench_marker WHERE name = 'partitioning'")
            cursor.execute(FORBID)
            with connection.schema_editor() as editor:
                install_functions(editor)
            span = add_months(current, 1) - first_month
            for name in ("bench_audit_plain", "bench_audit_part"):
                cursor.execute(TABLE.format(name=name))
                cursor.execute(FILL.format(name=name), {"first": first, "span": span, "rows": rows})
            cursor.execute("ANALYZE bench_audit_plain")
            progress(
                f"partitioning: filled in {time.monotonic() - started:.0f} s; converting one copy in place…"
            )
            started = time.monotonic()
            with connection.schema_editor() as editor:
                table_partition_by_month(editor, "bench_audit_part", "at")
            convert_s = time.monotonic() - started
            cursor.execute(
                "INSERT INTO bench_marker VALUES ('partitioning', %s)", [f"{marker}|{convert_s:.3f}"]
            )
        cursor.execute("VACUUM ANALYZE bench_audit_plain")
        cursor.execute("VACUUM ANALYZE bench_audit_part")
        progress(f"partitioning: converted in {convert_s:.1f} s")

    middle = add_months(first_month, months // 2)
    low = datetime.datetime(middle.year, middle.month, 1, tzinfo=tz)
    high = datetime.datetime(add_months(middle, 1).year, add_months(middle, 1).month, 1, tzinfo=tz)
    cursor.execute("SELECT max(id) FROM bench_audit_plain")
    (max_id,) = cursor.fetchone()

    def timed(fn) -> float:
        with transaction.atomic():
            started = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        return elapsed

    inserts = 1000 if runs == 1 else 2000

    def insert(name):
        def go():
            for i in range(inserts):
                cursor.execute(
                    f"INSERT INTO {name} (at, action, target_id, target_repr, data, actor_id, target_type_id)"
                    " VALUES (now(), 'bench.insert', %s, 'bench', '{}', 1, 1)",
                    [str(i)],
                )

        return go

    def month_report(name):
        def go():
            cursor.execute(
                f"SELECT action, count(*) FROM {name} WHERE at >= %s AND at < %s GROUP BY action", [low, high]
            )
            cursor.fetchall()

        return go

    def archive(name):
        def go():
            if name == "bench_audit_part":
                cursor.execute(
                    f"ALTER TABLE bench_audit_part DETACH PARTITION bench_audit_part_p{middle:%Y_%m}"
                )
            else:
                cursor.execute("ALTER TABLE bench_audit_plain DISABLE TRIGGER bench_audit_plain_append_only")
                cursor.execute("DELETE FROM bench_audit_plain WHERE at >= %s AND at < %s", [low, high])

        return go

    lookups = 200

    def by_id(name):
        def go():
            for i in range(lookups):
                cursor.execute(f"SELECT * FROM {name} WHERE id = %s", [1 + (i * 7919) % max_id])
                cursor.fetchall()

        return go

    def target(name):
        def go():
            for i in range(lookups):
                cursor.execute(
                    f"SELECT * FROM {name} WHERE target_type_id = %s AND target_id = %s ORDER BY at DESC LIMIT 20",
                    [1 + i % 8, str(i * 97 % 20000)],
                )
                cursor.fetchall()

        return go

    figures = {}
    for key, make, scale in (
        ("insert", insert, lambda s: inserts / s),
        ("month", month_report, lambda s: s * 1000),
        ("archive", archive, lambda s: s * 1000),
        ("by_id", by_id, lambda s: s * 1000 / lookups),
        ("target", target, lambda s: s * 1000 / lookups),
    ):
        samples = {"plain": [], "part": []}
        timed(make("bench_audit_plain"))  # warm-up, both sides
        timed(make("bench_audit_part"))
        for i in range(runs):
            order = ("plain", "part") if i % 2 == 0 else ("part", "plain")
            for side in order:
                samples[side].append(scale(timed(make(f"bench_audit_{side}"))))
        for side in ("plain", "part"):
            figures[f"{key}_{side}"] = statistics.median(samples[side])
        progress(
            f"partitioning: {key}: plain {figures[f'{key}_plain']:,.3f}, partitioned {figures[f'{key}_part']:,.3f}"
        )
    cursor.execute("SELECT count(*) FROM bench_audit_part")
    (counted,) = cursor.fetchone()
    if counted != rows:
        raise RuntimeError(f"the partitioned copy holds {counted:,} rows, not {rows:,}")
    print(json.dumps({"rows": rows, "convert_s": convert_s, **figures}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        from benches.__main__ import main

        sys.exit(main(["--only", "partitioning", *sys.argv[1:]]))
