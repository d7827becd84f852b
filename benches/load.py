"""Loopback HTTP load: wrk when it is installed, else a small Python generator (processes × threads).

Both report requests/s and latency percentiles for a fixed duration and connection count. The Python
generator is much weaker than wrk (it shares the two cores with the servers and pays for the GIL), so
its absolute figures are lower; the table says which one was used.
"""

from __future__ import annotations

import http.client
import multiprocessing
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    tool: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float | None
    p99_ms: float | None
    errors: int  # socket errors / timeouts
    bad_status: int  # responses outside 2xx/3xx

    def problems(self) -> str:
        parts = []
        if self.errors:
            parts.append(f"{self.errors} socket errors")
        if self.bad_status:
            parts.append(f"{self.bad_status} non-2xx/3xx responses")
        return ", ".join(parts)


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def run(
    url: str,
    *,
    seconds: float,
    threads: int,
    connections: int,
    tool: str = "auto",
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """`headers` go with every request (a Cookie: a visitor with a basket or a session)."""
    if tool == "wrk" or (tool == "auto" and have_wrk()):
        return run_wrk(url, seconds=seconds, threads=threads, connections=connections, headers=headers)
    return run_python(url, seconds=seconds, processes=threads, connections=connections, headers=headers)


def describe(tool: str, threads: int, connections: int, seconds: float) -> str:
    if tool == "wrk":
        return f"load: wrk -t{threads} -c{connections} -d{seconds:g}s --latency"
    why = "wrk not installed" if not have_wrk() else "--loadgen python"
    return f"load: Python load generator ({why}; weaker than wrk, compare ratios): {threads} processes, {connections} connections, {seconds:g} s"


def describe_server_runs(ctx, tool: str) -> str:
    """The note under a table of servers measured under load (`ctx`: the bench's Context): the load, the
    warm-up, the servers, how many runs."""
    return (
        describe(tool, ctx.threads, ctx.connections, ctx.duration)
        + f" after a {ctx.warmup:g} s warm-up, loopback; gunicorn 2 sync workers per server; "
        + (
            f"median of {ctx.repeat} interleaved runs"
            if ctx.repeat > 1
            else "one run each (--repeat N for medians)"
        )
    )


# --- wrk ---------------------------------------------------------------------------------------

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS_MS[unit]


def run_wrk(
    url: str, *, seconds: float, threads: int, connections: int, headers: dict[str, str] | None = None
) -> LoadResult:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        *(arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")),
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return parse_wrk(out)


def parse_wrk(out: str) -> LoadResult:
    """Parse `wrk --latency` output (requests, duration, Requests/sec, the 50%/99% lines, errors)."""
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not (total and rps):
        raise RuntimeError(f"could not parse wrk output:\n{out}")
    percentiles = {
        p: _ms(v, u) for p, v, u in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
    }
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = sum(map(int, socket_errors.groups())) if socket_errors else 0
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return LoadResult(
        tool="wrk",
        requests=int(total.group(1)),
        seconds=_ms(total.group(2), total.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50_ms=percentiles.get("50"),
        p99_ms=percentiles.get("99"),
        errors=errors,
        bad_status=int(bad.group(1)) if bad else 0,
    )


# --- Python fallback ---------------------------------------------------------------------------


def _percentile(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def _process(url: str, seconds: float, n_threads: int, queue, headers: dict[str, str] | None = None) -> None:
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    counters = {"errors": 0, "bad": 0}
    lock = threading.Lock()

    def client() -> None:
        mine: list[float] = []
        errors = bad = 0
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", target, headers={"Host": parts.netloc, **(headers or {})})
                response = conn.getresponse()
                response.read()
                if response.will_close:
                    conn.close()  # http.client reconnects on the next request
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                continue
            mine.append((time.perf_counter() - started) * 1000)
            if not 200 <= response.status < 400:
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            counters["errors"] += errors
            counters["bad"] += bad

    workers = [threading.Thread(target=client) for _ in range(n_threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put((latencies, counters["errors"], counters["bad"]))


def run_python(
    url: str, *, seconds: float, processes: int, connections: int, headers: dict[str, str] | None = None
) -> LoadResult:
    """`connections` client threads spread over `processes` processes, each on its own connection."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    per = [connections // processes + (1 if i < connections % processes else 0) for i in range(processes)]
    procs = [
        ctx.Process(target=_process, args=(url, seconds, n, queue, headers), daemon=True) for n in per if n
    ]
    started = time.monotonic()
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.monotonic() - started
    latencies = sorted(x for r in results for x in r[0])
    return LoadResult(
        tool="python",
        requests=len(latencies),
        seconds=elapsed,
        rps=len(latencies) / elapsed if elapsed else 0.0,
        p50_ms=_percentile(latencies, 50),
        p99_ms=_percentile(latencies, 99),
        errors=sum(r[1] for r in results),
        bad_status=sum(r[2] for r in results),
    )
