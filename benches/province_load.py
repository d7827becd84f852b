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
import queue
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from benches.harness import (
    POSTGRES_SERVER,
    ROOT,
    Context,
    Row,
    gunicorn,
    postgres_migrated,
    progress,
    project_env,
)

DEFAULT_URL = f"{POSTGRES_SERVER}/cz_province_bench"
PASSWORD = "province-bench-pass-2026"  # bench operators only, in the bench database
RATE = float(os.environ.get("BENCH_PROVINCE_RATE", "100"))
SECONDS = float(os.environ.get("BENCH_PROVINCE_SECONDS", "60"))
STATIONS = int(os.environ.get("BENCH_PROVINCE_STATIONS", "60"))
GIVE_UP = float(os.environ.get("BENCH_PROVINCE_GIVE_UP", "5"))
MIX = os.environ.get("BENCH_PROVINCE_MIX", "payment=85,filing=10,report=5")
KINDS = ("payment", "filing", "report")


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


def _world(env: dict[str, str], stations: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "benches.province_load", "--world", str(stations)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"building the province world failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the load -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    due: float
    latency: float | None  # seconds from due time to the last byte; None: missed or failed
    status: str  # "ok", "missed", or what went wrong


@dataclass
class Results:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the web servers' CPU over the measured part

    def of(self, kind: str | None = None, status: str | None = "ok") -> list[Outcome]:
        return [
            o
            for o in self.outcomes
            if (kind is None or o.kind == kind) and (status is None or o.status == status)
        ]

    def percentile(self, q: float, kind: str | None = None) -> float | None:
        values = sorted(o.latency for o in self.of(kind))
        if not values:
            return None
        return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))] * 1000


class Client:
    """One signed-in browser: an operator at their till, or the county admin."""

    def __init__(self, base: str, username: str):
        import requests

        self.base, self.username = base, username
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = "zh-hans"

    def login(self) -> None:
        self.session.get(self.base + "/login/", timeout=30)
        token = self.session.cookies.get("csrftoken")
        response = self.session.post(
            self.base + "/login/",
            timeout=30,
            allow_redirects=False,
            data={"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD},
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in at {self.base}: {response.status_code}")

    def post(self, path: str, data: dict) -> str:
        token = self.session.cookies.get("csrftoken")
        response = self.session.post(
            self.base + path, data={"csrfmiddlewaretoken": token, **data}, timeout=60, allow_redirects=False
        )
        if response.status_code != 302:
            return f"POST {path}: {response.status_code}"
        page = self.session.get(
            self.base + response.headers["Location"], timeout=60
        )  # what the operator sees
        return "ok" if page.status_code == 200 else f"GET {response.headers['Location']}: {page.status_code}"

    def get(self, path: str, params: dict) -> str:
        response = self.session.get(self.base + path, params=params, timeout=60)
        return "ok" if response.status_code == 200 else f"GET {path}: {response.status_code}"


def _id_number(n: int) -> str:
    """A valid 18-character resident ID number (GB 11643 check digit), different for each n."""
    body = f"130225199{n % 10}{(n // 10) % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _action(kind: str, client: Client, world: dict, n: int) -> str:
    if kind == "payment":
        return client.post(
            f"/counter/till/pay/{world['product']}/",
            {
                "step": "pay",
                "idempotency_key": str(uuid.uuid4()),
                "account_number": f"{n:010d}",
                "amount": f"{50 + n % 200}.00",
                "payment_method": "cash",
            },
        )
    if kind == "filing":
        return client.post(
            f"/counter/requests/new/{world['item']}/",
            {
                "idempotency_key": str(uuid.uuid4()),
                "applicant_name": f"居民{n}",
                "applicant_id_number": _id_number(n),
                "applicant_phone": f"138{n % 100_000_000:08d}",
                "consent": "witnessed",
            },
        )
    today = time.strftime("%Y-%m-%d")
    return client.get("/county/reports/", {"date_from": today[:8] + "01", "date_to": today})


def server_cpu_seconds(bases: list[str]) -> float:
    """CPU seconds (user + system) used so far by the gunicorn masters serving `bases` and their workers."""
    ports = {urlsplit(base).port for base in bases}
    stats: dict[str, list[str]] = {}
    masters = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        stats[pid] = stat[stat.rfind(")") + 2 :].split()
        if "gunicorn" in command and any(f"127.0.0.1:{port}" in command for port in ports):
            masters.add(pid)
    ticks = sum(
        int(fields[11]) + int(fields[12])
        for pid, fields in stats.items()
        if pid in masters or fields[1] in masters
    )
    return ticks / os.sysconf("SC_CLK_TCK")


def drive(
    bases: list[str], world: dict, *, rate: float, seconds: float, warmup: float, seed: int = 24
) -> Results:
    """Signs everyone in, then offers `rate` actions a second for `warmup` + `seconds`; keeps the last `seconds`."""
    weights = dict(part.split("=") for part in MIX.split(","))
    kinds = [k for k in KINDS if float(weights.get(k, 0)) > 0]
    operators: queue.Queue[Client] = queue.Queue()
    admins: queue.Queue[Client] = queue.Queue()
    clients = [Client(bases[i % len(bases)], username) for i, username in enumerate(world["operators"])]
    clients += [Client(bases[i % len(bases)], world["admin"]) for i in range(2)]
    with ThreadPoolExecutor(max_workers=4) as pool:  # sign-ins hash passwords: a few at a time
        list(pool.map(Client.login, clients))
    for client in clients:
        (admins if client.username == world["admin"] else operators).put(client)
    rng = random.Random(seed)
    total = int((warmup + seconds) * rate)
    plan = rng.choices(kinds, weights=[float(weights[k]) for k in kinds], k=total)
    results = Results(seconds=seconds)
    lock = threading.Lock()
    work: queue.Queue[tuple[int, str, float] | None] = queue.Queue()

    def worker() -> None:
        while (job := work.get()) is not None:
            n, kind, due = job
            pool = admins if kind == "report" else operators
            try:
                client = pool.get(timeout=max(0.0, due + GIVE_UP - time.monotonic()))
            except queue.Empty:
                outcome = Outcome(kind, due, None, "missed")
            else:
                try:
                    status = "missed" if time.monotonic() > due + GIVE_UP else _action(kind, client, world, n)
                except Exception as exc:  # a timeout or a dropped connection is a failed transaction
                    status = f"{type(exc).__name__}"
                finally:
                    pool.put(client)
                outcome = Outcome(kind, due, time.monotonic() - due if status == "ok" else None, status)
            if n >= warmup * rate:
                with lock:
                    results.outcomes.append(outcome)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(len(world["operators"]) + 2)]
    for thread in threads:
        thread.start()
    start = time.monotonic() + 0.2
    for n, kind in enumerate(plan):
        if n == int(warmup * rate):
            cpu_before = server_cpu_seconds(bases)
        due = start + n / rate
        time.sleep(max(0.0, due - time.monotonic()))
        work.put((n, kind, due))
    for _ in threads:
        work.put(None)
    for thread in threads:
        thread.join(timeout=GIVE_UP + 120)
    results.cpu_seconds = server_cpu_seconds(bases) - cpu_before
    results.seconds = max(
        seconds, max((o.due + (o.latency or 0) for o in results.outcomes), default=0) - (start + warmup)
    )
    return results


# --- the benchmark --------------------------------------------------------------------------------


def run(ctx: Context) -> list[Row]:
    rate = ctx.scaled(int(RATE), 10)
    seconds = ctx.scaled(int(SECONDS), 3)
    warmup = ctx.scaled(5, 1)
    stations = ctx.scaled(STATIONS, 4)
    env = server_env()
    postgres_migrated(env, "province")
    progress(f"province: building {stations} stations with operators (once)…")
    world = _world(env, stations)
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


# --- the world (a child process with Django set up) ------------------------------------------------


def _build_world(stations: int) -> dict:
    """Stations with one operator each, a county admin, a cash-in product with floats topped up, and a
    catalogue item every station may file; made in one transaction and reused by later runs."""
    from datetime import date, timedelta

    from django.contrib.auth.models import Group
    from django.db import transaction

    from accounts.models import User
    from accounts.roles import Role
    from agency.models import CommissionPlan, CommissionPlanVersion, Product, Provider
    from agency.services.common import wallet_for
    from agency.services.ledger import Line, float_account, journal_post, station_account
    from gov_services.models import Department, ServiceItem
    from stations.models import Region, StaffAssignment, Station

    def node(code, name, level, parent=None):
        found = Region.objects.filter(code=code).first()
        return found or (parent.add_child if parent else Region.add_root)(code=code, name=name, level=level)

    def user(username: str, role: str, **post) -> User:
        found, created = User.objects.get_or_create(username=username, defaults={"full_name": username})
        if created:
            found.set_password(PASSWORD)
            found.save(update_fields=["password"])
            found.groups.add(Group.objects.get(name=role))
            StaffAssignment.objects.create(
                user=found, role=role, started_on=date.today() - timedelta(days=1), **post
            )
        return found

    with transaction.atomic():
        city = node("980000", "省基准市", "city")
        county = node("980100", "省基准县", "county", city)
        department, _ = Department.objects.get_or_create(
            code="PROV-MZJ", defaults={"name": "省基准县民政局", "region": county}
        )
        item, _ = ServiceItem.objects.get_or_create(
            code="PROV-MZJ-01",
            defaults={
                "name": "基准证明",
                "department": department,
                "category": "public_service",
                "lowest_level": "village",
                "legal_limit_days": 20,
                "promised_limit_days": 10,
            },
        )
        provider, _ = Provider.objects.get_or_create(
            code="prov-grid", defaults={"name": "省基准电网", "float_group": "utilities"}
        )
        plan, _ = CommissionPlan.objects.get_or_create(code="prov-plan", defaults={"name": "省基准佣金"})
        CommissionPlanVersion.objects.get_or_create(
            plan=plan,
            effective_from=date(2020, 1, 1),
            defaults={
                "method": "percentage",
                "rate_bp": 100,
                "share_operator_bp": 7000,
                "share_township_bp": 1000,
                "share_county_bp": 1000,
                "share_platform_bp": 1000,
                "tax_rate_bp": 300,
            },
        )
        product, _ = Product.objects.get_or_create(
            code="prov-electricity",
            defaults={
                "provider": provider,
                "name": "省基准电费",
                "kind": "electricity",
                "amount_min_fen": 1,
                "amount_max_fen": 10**9,
                "commission_plan": plan,
                "account_check_digit": "none",
            },
        )
        admin = user("prov-county-admin", Role.COUNTY_ADMIN, region=county)
        operators = []
        for n in range(stations):
            township = node(f"980101{n // 10:03d}", f"省基准镇{n // 10}", "township", county)
            village = node(f"980101{n // 10:03d}{n % 10 + 1:03d}", f"省基准村{n}", "village", township)
            station, _ = Station.objects.get_or_create(
                code=f"PROV{n:04d}",
                defaults={"name": f"省基准站{n}", "village": village, "address": "—", "status": "open"},
            )
            operators.append(user(f"prov-operator-{n}", Role.OPERATOR, station=station).username)
            wallet = wallet_for(station, "utilities")
            station_account(station, "cash")
            if wallet.balance_fen < 10**13:
                journal_post(
                    kind="top_up",
                    station=station,
                    lines=[
                        Line(float_account(station, "utilities"), 10**14, "top_up"),
                        Line(station_account(station, "funding"), -(10**14), "top_up"),
                    ],
                )
    return {"product": product.pk, "item": item.pk, "operators": operators, "admin": admin.username}


if __name__ == "__main__":
    if "--world" in sys.argv:
        import django

        django.setup()
        print(json.dumps(_build_world(int(sys.argv[sys.argv.index("--world") + 1]))))
    else:
        from benches.harness import format_table

        print(format_table(run(Context())))
