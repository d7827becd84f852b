"""The load of benches/province_load.py: signed-in browsers (operators at their tills, a county admin) and the
open-loop driver that offers a fixed schedule of actions and times each from its due time."""

from __future__ import annotations

import os
import queue
import random
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from benches.province_load_world import PASSWORD

GIVE_UP = float(os.environ.get("BENCH_PROVINCE_GIVE_UP", "5"))
MIX = os.environ.get("BENCH_PROVINCE_MIX", "payment=85,filing=10,report=5")
KINDS = ("payment", "filing", "report")


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
