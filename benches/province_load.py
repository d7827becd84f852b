"""A counter day at province peak: 100 transactions a second over loopback, open loop, with p50/p95/p99.

Operators of several stations sign in on the sign-in page and work as at the counter: counter payments
(the till's payment form, step "pay", a fresh idempotency key each; the operator then sees the
transaction's page), a share of request filings (the counter's application form for a catalogue item) and
a county admin opening the KPI report page. Arrivals follow a fixed schedule (open loop): a request that
is due but waits for a free connection counts its wait in its latency, so a server that falls behind
shows it in the percentiles instead of slowing the offered rate down (no coordinated omission). A request
that cannot start within BENCH_PROVINCE_GIVE_UP seconds (default 5) of its due time is counted as missed,
so the run is bounded whatever the server does.

Mix (BENCH_PROVINCE_MIX, default "payment=85,filing=10,report=5") at BENCH_PROVINCE_RATE actions/s
(default 100) for BENCH_PROVINCE_SECONDS (default 60) after a 5 s warm-up at the same rate; --short: 10/s
for 3 s on 4 stations. BENCH_PROVINCE_STATIONS (default 60) operators work at once, at most one action
each (an operator serves one resident at a time): by Little's law 100/s at 0.6 s a payment needs 60.
The target is either a running province (BENCH_PROVINCE_URL, comma-separated base URLs, with
BENCH_PROVINCE_DATABASE_URL naming its primary — scripts/province/up.sh prints both), or, by default,
gunicorn started here: BENCH_PROVINCE_SERVERS servers (default 2) × BENCH_PROVINCE_WORKERS sync workers
(default 2) on PostgreSQL BENCH_PROVINCE_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/cz_province_bench), report pages reading from
BENCH_PROVINCE_REPLICA_URL when set. The stations, operators, products and catalogue item are made once in
one transaction (`python -m benches.province_load --world N` prints them) and reused.

No baseline: the figures are absolute, against the goal (p99 < 1 s at 100 tx/s). Python's
`requests` drives the load from this process; the machine's `uptime` load is noted with the figures.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from contextlib import ExitStack

from benches.harness import (
    POSTGRES_SERVER,
    Context,
    Row,
    child_json,
    gunicorn,
    postgres_migrated,
    progress,
    project_env,
)
from benches.province_load_driver import MIX, drive
from benches.province_load_world import build_world

DEFAULT_URL = f"{POSTGRES_SERVER}/cz_province_bench"
RATE = float(os.environ.get("BENCH_PROVINCE_RATE", "100"))
SECONDS = float(os.environ.get("BENCH_PROVINCE_SECONDS", "60"))
STATIONS = int(os.environ.get("BENCH_PROVINCE_STATIONS", "60"))


def _database_url() -> str:
    return os.environ.get("BENCH_PROVINCE_DATABASE_URL", DEFAULT_URL)


def server_env(**overrides: str) -> dict[str, str]:
    extra = {}
    if os.environ.get("BENCH_PROVINCE_REPLICA_URL"):
        extra["REPLICA_DATABASE_URL"] = os.environ["BENCH_PROVINCE_REPLICA_URL"]
    return project_env(
        DATABASE_URL=_database_url(),
        CACHE_URL="locmemcache://province",
        AGENCY_SIMULATOR_LATENCY_MS="0",
        SMS_BACKEND="core.sms.OutboxBackend",
        **extra,
        **overrides,
    )


def run(ctx: Context) -> list[Row]:
    rate = ctx.scaled(int(RATE), 10)
    seconds = ctx.scaled(int(SECONDS), 3)
    warmup = ctx.scaled(5, 1)
    stations = ctx.scaled(STATIONS, 4)
    env = server_env()
    postgres_migrated(env, "province")
    progress(f"province: building {stations} stations with operators (once)…")
    world = child_json("benches.province_load", "--world", str(stations), env=env)
    servers = int(os.environ.get("BENCH_PROVINCE_SERVERS", "2"))
    workers = int(os.environ.get("BENCH_PROVINCE_WORKERS", "2"))
    with ExitStack() as stack:
        if os.environ.get("BENCH_PROVINCE_URL"):
            bases = [u.strip().rstrip("/") for u in os.environ["BENCH_PROVINCE_URL"].split(",") if u.strip()]
            where = f"the running province at {', '.join(bases)}"
        else:
            bases = [
                stack.enter_context(
                    gunicorn("config.wsgi:application", env=env, workers=workers, name=f"province-{i}")
                )
                for i in range(servers)
            ]
            where = f"{servers} gunicorn × {workers} sync workers" + (
                ", reports on the replica" if "REPLICA_DATABASE_URL" in env else ", no replica"
            )
        progress(
            f"province: {rate} actions/s ({MIX}) for {seconds} s after {warmup} s warm-up, "
            f"{len(world['operators'])} operators, against {where}"
        )
        load_before = os.getloadavg()[0]
        results = drive(bases, world, rate=rate, seconds=seconds, warmup=warmup)
        load_after = os.getloadavg()
    failures = [o for o in results.outcomes if o.status not in ("ok",)]
    ok = results.of()
    achieved = len(ok) / results.seconds
    payments = results.of("payment")
    p = {q: results.percentile(q, "payment") for q in (50, 95, 99)}
    progress(
        f"province: {achieved:,.1f} actions/s ok of {rate} offered; payments p50 {p[50] or 0:.0f} ms, "
        f"p95 {p[95] or 0:.0f} ms, p99 {p[99] or 0:.0f} ms; {len(failures)} missed or failed"
    )
    if failures:
        kinds = statistics.multimode(o.status for o in failures)
        progress(f"province: most common failure: {kinds[0]}")
    ctx.note(
        f"province load: {where}; PostgreSQL {_database_url().rsplit('@', 1)[-1]}; open loop, latency from "
        f"each action's due time; Python requests driver in the bench process; load average "
        f"{load_before:.2f} before, {load_after[0]:.2f} / {load_after[1]:.2f} (1/5 min) after"
    )
    rows = [
        Row(
            "province counter day: actions completed per second",
            achieved,
            None,
            "{:,.1f} /s",
            note=f"{rate}/s offered for {seconds} s: {MIX}",
            goal=f"≥ {0.95 * rate:.0f} /s",
            met=ctx.judge(achieved >= 0.95 * rate),
        ),
        Row(
            "province counter day: counter payments completed per second",
            len(payments) / results.seconds,
            None,
            "{:,.1f} /s",
            note=f"{len(payments):,} payments",
        ),
    ]
    for q in (50, 95, 99):
        goal = {"goal": "< 1 s", "met": ctx.judge(p[q] is not None and p[q] < 1000)} if q == 99 else {}
        rows.append(
            Row(
                f"province counter day: payment p{q} (pay + result page)",
                p[q],
                None,
                "{:,.0f} ms",
                better="lower",
                **goal,
            )
        )
    for kind in ("filing", "report"):
        if results.of(kind):
            rows.append(
                Row(
                    f"province counter day: {kind} p95",
                    results.percentile(95, kind),
                    None,
                    "{:,.0f} ms",
                    better="lower",
                    note=f"{len(results.of(kind)):,} done",
                )
            )
    if ok:
        cores = results.cpu_seconds / len(ok) * rate
        rows.append(
            Row(
                "province counter day: web CPU per completed action",
                results.cpu_seconds / len(ok) * 1000,
                None,
                "{:,.0f} ms",
                better="lower",
                note=f"gunicorn workers; {cores:.1f} cores' worth at {rate}/s",
            )
        )
    rows.append(
        Row(
            "province counter day: missed or failed actions",
            len(failures),
            None,
            "{:,.0f}",
            better="lower",
            goal="0",
            met=ctx.judge(not failures),
            note=", ".join(sorted({o.status for o in failures}))[:60],
        )
    )
    if failures and all(o.status != "missed" for o in failures) and len(failures) == len(results.outcomes):
        raise RuntimeError(f"every action failed: {failures[0].status}")
    return rows


if __name__ == "__main__":
    if "--world" in sys.argv:
        import django

        django.setup()
        print(json.dumps(build_world(int(sys.argv[sys.argv.index("--world") + 1]))))
    else:
        from benches.harness import format_table

        print(format_table(run(Context())))
