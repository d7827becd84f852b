"""Counter payments per second on PostgreSQL through agency's service, against raw psycopg inserts of
the same rows in the same run, with 1 and 8 concurrent clients.

Ours: agency.services.counter_payment_submit with the provider simulator at zero latency — permission
check, validation, idempotency look-up, float row lock, pending insert, reservation, the provider call,
settlement with the balanced journal, two audit events. Baseline: per payment, one transaction of
plain INSERTs of the rows ours writes (the transaction, its journal and entries, two audit events) and
one UPDATE of the wallet, with psycopg and no Django. The ratio is the cost of doing it safely in
Django. Each client is a process with its own station (its own float lock); clients run in parallel.

Database: BENCH_AGENCY_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cz_agency_bench),
migrated once and reused while `migrate --check` is clean.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time

from benches.harness import ROOT, Context, Row, clean_env, manage, progress

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/cz_agency_bench"
CLIENTS = (1, 8)
ENTRY_COLUMNS = ("journal_id", "account_id", "amount_fen", "role")


def bench_env() -> dict[str, str]:
    return clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="false",
        DATABASE_URL=os.environ.get("BENCH_AGENCY_DATABASE_URL", DEFAULT_URL), CACHE_URL="locmemcache://bench",
        CELERY_BROKER_URL="", LOG_LEVEL="WARNING", AGENCY_SIMULATOR_LATENCY_MS="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdefghij")


def _migrated(env: dict[str, str]) -> None:
    if manage("migrate", "--check", env=env, check=False).returncode == 0:
        progress("agency bench database is up to date")
        return
    progress("migrating the agency bench database (a few minutes, once)…")
    result = manage("migrate", "--no-input", env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def run(ctx: Context) -> list[Row]:
    env = bench_env()
    _migrated(env)
    rates: dict[tuple[str, int], float] = {}
    for clients in CLIENTS:
        for mode in ("raw", "ours"):  # interleaved, so drift hits both alike
            progress(f"measuring {mode} with {clients} client(s)… {ctx.duration:g} s")
            done = subprocess.run([sys.executable, "-m", "benches.agency_payments", mode, str(clients),
                                   str(ctx.duration)], env=env, cwd=ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeError(f"{mode} worker failed: {done.stderr[-1500:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            rates[(mode, clients)] = result["rate"]
            progress(f"  {mode}, {clients} client(s): {result['rate']:,.0f} payments/s ({result['count']:,})")
    ctx.note("agency payments: PostgreSQL, provider simulator without latency; each client a process with its own "
             "station; baseline = the same rows inserted with psycopg, one transaction per payment")
    return [Row(f"agency counter payments, {c} client{'s' if c > 1 else ''}", rates[("ours", c)],
                rates[("raw", c)], "{:,.0f} pay/s") for c in CLIENTS]


# --- the worker (a separate process with Django set up) ------------------------------------------

def _world(clients: int) -> dict:
    """Stations, operators and a product for the run; created once, reused by later runs."""
    from datetime import date, timedelta

    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import Role
    from agency.models import CommissionPlan, CommissionPlanVersion, Product, Provider
    from agency.services.common import wallet_for
    from agency.services.ledger import Line, float_account, journal_post, station_account
    from stations.models import Region, StaffAssignment, Station

    def node(code, name, level, parent=None):
        found = Region.objects.filter(code=code).first()
        return found or (parent.add_child if parent else Region.add_root)(code=code, name=name, level=level)

    city = node("990000", "基准市", "city")
    county = node("990100", "基准县", "county", city)
    township = node("990101000", "基准镇", "township", county)
    provider, _ = Provider.objects.get_or_create(code="bench-grid", defaults={"name": "基准电网", "float_group": "utilities"})
    plan, _ = CommissionPlan.objects.get_or_create(code="bench-plan", defaults={"name": "基准佣金"})
    CommissionPlanVersion.objects.get_or_create(plan=plan, effective_from=date(2020, 1, 1), defaults={
        "method": "percentage", "rate_bp": 100, "share_operator_bp": 7000, "share_township_bp": 1000,
        "share_county_bp": 1000, "share_platform_bp": 1000, "tax_rate_bp": 300})
    product, _ = Product.objects.get_or_create(code="bench-electricity", defaults={
        "provider": provider, "name": "基准电费", "kind": "electricity", "amount_min_fen": 1,
        "amount_max_fen": 10**9, "commission_plan": plan, "account_check_digit": "none"})
    pairs = []
    for n in range(clients):
        village = node(f"990101{n + 1:03d}000", f"基准村{n}", "village", township)
        station, _ = Station.objects.get_or_create(code=f"BENCH{n:02d}", defaults={
            "name": f"基准站{n}", "village": village, "address": "—", "status": "open"})
        user, created = User.objects.get_or_create(username=f"bench-operator-{n}")
        if created:
            user.groups.add(Group.objects.get(name=Role.OPERATOR))
            StaffAssignment.objects.create(user=user, role="operator", station=station,
                                           started_on=date.today() - timedelta(days=1))
        wallet = wallet_for(station, "utilities")
        station_account(station, "cash")  # the baseline writes to it from its first run
        if wallet.balance_fen < 10**13:
            journal_post(kind="top_up", station=station, lines=[
                Line(float_account(station, "utilities"), 10**14, "top_up"),
                Line(station_account(station, "funding"), -10**14, "top_up")])
        pairs.append((station.pk, user.pk))
    return {"product": product.pk, "pairs": pairs}


def _ours(args) -> int:
    station_id, user_id, product_id, seconds = args
    import django

    django.setup()
    import uuid

    from accounts.models import User
    from agency.models import Product
    from agency.services import counter_payment_submit
    from stations.models import Station

    station, user = Station.objects.get(pk=station_id), User.objects.get(pk=user_id)
    product = Product.objects.select_related("provider", "commission_plan").get(pk=product_id)
    count, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        tx = counter_payment_submit(actor=user, station=station, product=product, account_number=f"{count:08d}12",
                                    amount_fen=10_000 + count % 1000, idempotency_key=uuid.uuid4())
        assert tx.status == "succeeded", tx.status
        count += 1
    return count


def _raw(args) -> int:
    station_id, user_id, product_id, seconds = args
    import django

    django.setup()
    import uuid

    import psycopg
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from agency.models import Account, CounterTransaction, FloatWallet

    wallet = FloatWallet.objects.get(station_id=station_id)
    cash = Account.objects.get(code=f"cash:{wallet.station.code}").pk
    content_type = ContentType.objects.get_for_model(CounterTransaction).pk
    params = connection.get_connection_params()
    connection.close()
    conninfo = {k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")}
    count, deadline = 0, time.monotonic() + seconds
    with psycopg.connect(**conninfo) as db:
        while time.monotonic() < deadline:
            amount = 10_000 + count % 1000
            with db.transaction(), db.cursor() as cur:
                cur.execute(
                    "INSERT INTO agency_countertransaction (reference, idempotency_key, fingerprint, kind, station_id,"
                    " product_id, account_number, customer_name, amount_fen, fee_fen, commission_fen, payment_method,"
                    " status, provider_reference, failure_reason, external_reference, description, created_by_id,"
                    " created_at, completed_at, reversal_reason) VALUES (%s, %s, %s, 'provider', %s, %s, %s, '', %s,"
                    " 0, 100, 'cash', 'succeeded', 'SIM', '', '', '', %s, now(), now(), '') RETURNING id",
                    (f"RB{uuid.uuid4().hex[:16]}", uuid.uuid4(), "0" * 64, station_id, product_id,
                     f"{count:010d}", amount, user_id))
                tx_id = cur.fetchone()[0]
                cur.execute("INSERT INTO agency_journal (kind, posted_at, posted_by_id, station_id, "
                            "counter_transaction_id, memo) VALUES ('payment', now(), %s, %s, %s, '') RETURNING id",
                            (user_id, station_id, tx_id))
                journal_id = cur.fetchone()[0]
                # The nine entries ours posts: principal (2), commission split (5), tax (2); balanced.
                commission = [100, -70, -10, -10, -10, 2, -2]
                lines = [(journal_id, cash, amount, "principal"), (journal_id, wallet.account_id, -amount, "principal"),
                         *((journal_id, cash, c, "commission") for c in commission)]
                cur.executemany("INSERT INTO agency_ledgerentry (journal_id, account_id, amount_fen, role) "
                                "VALUES (%s, %s, %s, %s)", lines)
                cur.executemany("INSERT INTO core_auditevent (at, actor_id, action, target_type_id, target_id, "
                                "target_repr, data) VALUES (now(), %s, %s, %s, %s, '', '{}')",
                                [(user_id, "agency.transaction.submit", content_type, str(tx_id)),
                                 (user_id, "agency.transaction.succeed", content_type, str(tx_id))])
                cur.execute("UPDATE agency_floatwallet SET balance_fen = balance_fen - %s WHERE id = %s",
                            (amount, wallet.pk))
            count += 1
    return count


def worker(mode: str, clients: int, seconds: float) -> dict:
    import django

    django.setup()
    from django.db import connection

    world = _world(clients)
    connection.close()  # the children open their own
    jobs = [(station_id, user_id, world["product"], seconds) for station_id, user_id in world["pairs"]]
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        counts = pool.map(_ours if mode == "ours" else _raw, jobs)
    elapsed = time.monotonic() - started
    return {"count": sum(counts), "rate": sum(counts) / max(elapsed, seconds)}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(worker(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))))
