"""`make bench` = `python -m benches`: run every benchmark, print one table.

    python -m benches                       # all benchmarks, default load (wrk -t2 -c16 -d10s)
    python -m benches --only portal-home    # one of them (see --list)
    python -m benches --repeat 3            # median of 3 interleaved runs (figures drift on shared cores)
    python -m benches --loadgen python      # force the Python load generator
    python -m benches --short               # every benchmark on small data, ~1 s of load (CI: a broken
                                            # bench fails the run; goals are not judged)
    python -m benches --template postgres   # only migrate the template new bench databases are copied
                                            # from (sqlite or postgres; CI builds them beside the tests')

Adding a benchmark: write `benches/<name>.py` with `run(ctx: Context) -> list[Row]` that measures ours
and a baseline in the same run, and list it in BENCHMARKS below. Benchmarks never assert timings.
Progress goes to stderr, the table to stdout.
"""

from __future__ import annotations

import argparse
import os
import platform
import signal
import sys
import time
import traceback
from collections.abc import Callable

from benches import (
    agency_payments,
    certificate_render,
    commission_rollups,
    load,
    partitioning,
    portal_home,
    province_load,
    reports_kpis,
    spreadsheet_imports,
    store_pages,
    store_weight,
    supervision_sweep,
)
from benches.harness import (
    POSTGRES_SERVER,
    Context,
    Row,
    format_table,
    postgres_template,
    progress,
    project_env,
    sqlite_template,
)

BENCHMARKS: dict[str, Callable[[Context], list[Row]]] = {
    "portal-home": portal_home.run,
    "agency-payments": agency_payments.run,
    "supervision-sweep": supervision_sweep.run,
    "reports-kpis": reports_kpis.run,
    "commission-rollups": commission_rollups.run,
    "certificate-render": certificate_render.run,
    "store-pages": store_pages.run,
    "store-weight": store_weight.run,
    "spreadsheet-imports": spreadsheet_imports.run,
    "province-load": province_load.run,
    "partitioning": partitioning.run,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benches", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", action="append", choices=sorted(BENCHMARKS), help="run only these (repeatable)"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of measured load (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up load (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="load generator threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="interleaved runs per server; medians (default 1)"
    )
    parser.add_argument(
        "--loadgen",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="auto = wrk when installed, else the Python generator",
    )
    parser.add_argument(
        "--short",
        action="store_true",
        help="small data and 1 s of load per figure: proves every bench runs; goals are not judged",
    )
    parser.add_argument(
        "--template",
        choices=["sqlite", "postgres"],
        help="only bring the template new bench databases are copied from up to date, then exit",
    )
    args = parser.parse_args(argv)
    if args.template:
        started = time.monotonic()
        if args.template == "sqlite":
            sqlite_template(project_env())
        else:
            postgres_template(project_env(DATABASE_URL=f"{POSTGRES_SERVER}/postgres"))
        progress(f"bench template ({args.template}) ready in {time.monotonic() - started:.0f} s")
        return 0
    if args.short:
        args.duration, args.warmup, args.repeat = 1.0, 0.5, 1
    # Turn TERM/HUP into an exception so that every server's `finally` stops its process group.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))

    if args.list:
        for name, fn in BENCHMARKS.items():
            doc = sys.modules[fn.__module__].__doc__ or ""
            print(f"{name:16} {doc.strip().splitlines()[0] if doc.strip() else ''}")
        return 0
    if args.loadgen == "wrk" and not load.have_wrk():
        parser.error("--loadgen wrk: wrk is not installed (scripts/install-system-deps.sh --for bench)")
    if args.loadgen == "auto" and not load.have_wrk():
        progress(
            "wrk not found: using the Python load generator (install wrk: "
            "scripts/install-system-deps.sh --for bench)"
        )

    ctx = Context(
        duration=args.duration,
        warmup=args.warmup,
        threads=args.threads,
        connections=args.connections,
        repeat=max(1, args.repeat),
        loadgen=args.loadgen,
        short=args.short,
    )
    rows: list[Row] = []
    failed: list[str] = []
    started = time.monotonic()
    for name in args.only or list(BENCHMARKS):
        progress(f"== {name}")
        bench_started = time.monotonic()
        try:
            rows += BENCHMARKS[name](ctx)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            traceback.print_exc(file=sys.stderr)
            failed.append(name)
            rows.append(Row(f"{name}: FAILED", None, None, note=str(exc).splitlines()[0][:80], better=""))
        progress(f"== {name}: {time.monotonic() - bench_started:.0f} s")
    progress(f"done in {time.monotonic() - started:.0f} s")

    print(
        f"\nCunzhan benchmarks — {time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}\n"
    )
    print(format_table(rows))
    print(
        "\nratio = ours / baseline (↑ higher is better, ↓ lower is better); baseline measured in the same run;"
        " goal ✓ met / ✗ missed in this run"
        + (" (--short: small data, goals not judged)" if args.short else "")
    )
    missed = [row.figure for row in rows if row.met is False]
    if missed:
        print(f"- goals missed in this run: {len(missed)} of {sum(1 for row in rows if row.goal)}")
    for note in ctx.notes:
        print(f"- {note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
