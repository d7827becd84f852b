"""Counter payments per second on PostgreSQL through agency's service, against raw psycopg doing the same
work in the same run, with 1 and 8 concurrent clients.

Ours: agency.services.counter_payment_submit with the provider simulator at zero latency — permission
check, validation, idempotency look-ups, float row lock, pending insert under a fresh reference,
reservation, the provider call, settlement with the balanced journal, the commission rollups, the status
change, two audit events: two transactions, so that no lock is held while the provider answers.

Baseline: the same work with psycopg and no Django, statement for statement what the database must do
for it — the same two transactions: look the key up; then lock the float wallet (SELECT … FOR UPDATE),
look the key up again, read the plan version in force, insert the pending transaction, reserve the
amount, insert the audit event, commit; then lock the transaction, release the reservation, insert the
journal and its nine entries (principal, the commission split, the tax), add the journal to the station's
month and day rollup rows (the same INSERT … ON CONFLICT statement ours runs), mark the transaction
succeeded, insert the second audit event, commit. The database's own rules (triggers, constraints) run
for both alike. The ratio is the cost of doing it in Django.

Each client is a process with its own station (its own float lock), all stations in one township (a row
shared by the township would make them queue); clients run in parallel, each warms up (connection, chart
cache) before its measured window. Ours and raw alternate, and the whole is repeated (`--repeat`, at
least 3 outside --short): the table shows medians. Also reported: the SQL statements one payment sends
(BEGIN and COMMIT not counted, on either side) and the client process's CPU per payment.

Database: BENCH_AGENCY_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cz_agency_bench),
migrated once and reused while `migrate --check` is clean. The bench's stations, users and product are
made in one transaction, so an interrupted set-up leaves nothing half made.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import sys

from benches.agency_payments_ours import pay_ours
from benches.agency_payments_raw import pay_raw
from benches.harness import POSTGRES_SERVER, ROOT, Context, Row, postgres_migrated, progress, project_env
from benches.harness.processes import child_json
from benches.harness.regions import region_node
from benches.harness.worlds import electricity_product, float_topped_up, staff_member, station_node

DEFAULT_URL = f"{POSTGRES_SERVER}/cz_agency_bench"
GOAL = 0.5


def bench_env() -> dict[str, str]:
    return project_env(
        DATABASE_URL=os.environ.get("BENCH_AGENCY_DATABASE_URL", DEFAULT_URL),
        AGENCY_SIMULATOR_LATENCY_MS="0",
    )


def _measure(env: dict[str, str], mode: str, clients: int, seconds: float, warmup: float) -> dict:
    return child_json("benches.agency_payments", mode, str(clients), str(seconds), str(warmup), env=env)


def run(ctx: Context) -> list[Row]:
    env = bench_env()
    postgres_migrated(env, "agency")
    clients_list = (1, 8) if not ctx.short else (2,)  # --short: one figure, two clients, to prove the path
    repeat = max(ctx.repeat, ctx.scaled(3, 1))
    warmup = min(ctx.warmup, 1.0) if ctx.short else ctx.warmup
    runs: dict[tuple[str, int], list[dict]] = {}
    for clients in clients_list:
        for i in range(repeat):
            order = ("raw", "ours") if i % 2 == 0 else ("ours", "raw")  # alternate, so drift hits both alike
            for mode in order:
                result = _measure(env, mode, clients, ctx.duration, warmup)
                runs.setdefault((mode, clients), []).append(result)
                progress(
                    f"  {mode}, {clients} client(s), run {i + 1}/{repeat}: {result['rate']:,.0f} payments/s "
                    f"({result['count']:,}; {result['cpu_ms']:.1f} ms client CPU each)"
                )

    def median(mode: str, clients: int, key: str) -> float:
        return statistics.median(r[key] for r in runs[(mode, clients)])

    ctx.note(
        f"agency payments: PostgreSQL, provider simulator without latency; each client a process with its "
        f"own station, all in one township; baseline = the same statements with psycopg (two transactions per "
        f"payment); median of {repeat} alternating runs of {ctx.duration:g} s after {warmup:g} s of warm-up"
    )
    rows = []
    for c in clients_list:
        ours, raw = median("ours", c, "rate"), median("raw", c, "rate")
        rows.append(
            Row(
                f"agency counter payments, {c} client{'s' if c > 1 else ''}",
                ours,
                raw,
                "{:,.0f} pay/s",
                goal=f"≥ {GOAL}×",
                met=ctx.judge(ours / raw >= GOAL if raw else False),
            )
        )
    c = clients_list[-1]
    rows.append(
        Row(
            f"agency payment: client CPU per payment, {c} clients",
            median("ours", c, "cpu_ms"),
            median("raw", c, "cpu_ms"),
            "{:,.2f} ms",
            better="lower",
        )
    )
    rows.append(
        Row(
            "agency payment: SQL statements per payment (without BEGIN/COMMIT)",
            median("ours", c, "statements"),
            median("raw", c, "statements"),
            "{:,.0f}",
            better="lower",
        )
    )
    return rows


# --- the worker (a separate process with Django set up) ------------------------------------------


def _world(clients: int) -> dict:
    """Stations, operators and a product for the run; created once (in one transaction), reused later."""
    from django.db import transaction

    from accounts.roles import Role

    with transaction.atomic():
        city = region_node("990000", "基准市", "city")
        county = region_node("990100", "基准县", "county", city)
        township = region_node("990101000", "基准镇", "township", county)
        product = electricity_product("bench", "基准")
        pairs = []
        for n in range(clients):
            village = region_node(f"990101{n + 1:03d}000", f"基准村{n}", "village", township)
            station = station_node(f"BENCH{n:02d}", f"基准站{n}", village)
            user = staff_member(f"bench-operator-{n}", Role.OPERATOR, full_name="", station=station)
            float_topped_up(station)
            pairs.append((station.pk, user.pk))
    return {"product": product.pk, "pairs": pairs}


def worker(mode: str, clients: int, seconds: float, warmup: float) -> dict:
    import django

    django.setup()
    from django.db import connection

    world = _world(clients)
    connection.close()  # the children open their own
    jobs = [
        (station_id, user_id, world["product"], seconds, warmup) for station_id, user_id in world["pairs"]
    ]
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        results = pool.map(pay_ours if mode == "ours" else pay_raw, jobs)
    count = sum(r["count"] for r in results)
    return {
        "count": count,
        "rate": sum(r["count"] / r["elapsed"] for r in results),
        "cpu_ms": 1000 * sum(r["cpu"] for r in results) / max(count, 1),
        "statements": results[0]["statements"],
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(worker(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]))))
