"""Portal home "/" (Wagtail HomePage through our whole stack) against a bare Django template view.

Both are served by gunicorn with 2 sync workers on loopback and loaded the same way; the bare page is
sized to match ours, so the ratio is the cost of our stack per request: middleware, sessions, Wagtail's
site and page routing, SQLite reads, context processors and the real templates.

Ours runs config.settings.local with DEBUG=false against var/bench/portal.sqlite3 (migrated once,
reused while `migrate --check` is clean), local-memory cache, eager Celery. Production settings need
PostgreSQL and Redis, so they are not what this figure measures.

Settings keep database connections (CONN_MAX_AGE=60): this benchmark measured 2x the throughput
with reuse, because opening a SQLite connection to our ~600-object schema costs ~5 ms.
"""

from __future__ import annotations

import statistics

from benches import load
from benches.harness import VAR, Context, Row, clean_env, fetch, gunicorn, migrated_sqlite, progress

DB_NAME = "portal.sqlite3"


def ours_env() -> dict[str, str]:
    return clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="false",
        DATABASE_URL=f"sqlite:///{VAR / DB_NAME}",
        CACHE_URL="locmemcache://bench",
        CELERY_BROKER_URL="",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789abcdefghij",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
    )


def bare_env(page_bytes: int) -> dict[str, str]:
    return clean_env(DJANGO_SETTINGS_MODULE="benches.bare.settings", BENCH_BARE_BYTES=str(page_bytes))


def _checked_page(url: str, who: str) -> bytes:
    status, body = fetch(url)
    if status != 200:
        raise RuntimeError(f"{who} answered {url} with HTTP {status}; not measuring an error page")
    return body


def _measure(ctx: Context, label: str, url: str) -> load.LoadResult:
    progress(f"warming up {label}… {ctx.warmup:g} s")
    load.run(url, seconds=ctx.warmup, threads=ctx.threads, connections=ctx.connections, tool=ctx.loadgen)
    progress(f"measuring {label}… {ctx.duration:g} s")
    result = load.run(
        url, seconds=ctx.duration, threads=ctx.threads, connections=ctx.connections, tool=ctx.loadgen
    )
    progress(
        f"  {label}: {result.rps:,.0f} req/s, p50 {result.p50_ms or 0:.1f} ms, p99 {result.p99_ms or 0:.1f} ms,"
        f" {result.requests:,} requests" + (f" — {result.problems()}" if result.problems() else "")
    )
    return result


def _median(runs: list[load.LoadResult], attr: str) -> float | None:
    values = [getattr(r, attr) for r in runs if getattr(r, attr) is not None]
    return statistics.median(values) if values else None


def run(ctx: Context) -> list[Row]:
    migrated_sqlite(DB_NAME, ours_env())
    runs: dict[str, list[load.LoadResult]] = {"bare": [], "ours": []}
    progress("starting gunicorn for ours (config.wsgi, 2 sync workers)")
    with gunicorn("config.wsgi:application", env=ours_env(), name="portal-home-ours") as ours_url:
        page = _checked_page(ours_url + "/", "ours")
        progress(f"starting gunicorn for the bare baseline (page sized to {len(page):,} bytes)")
        with gunicorn("benches.bare.wsgi:application", env=bare_env(len(page)), name="portal-home-bare") as bare_url:
            bare_page = _checked_page(bare_url + "/", "bare baseline")
            urls = {"bare": bare_url, "ours": ours_url}
            labels = {"bare": "bare Django template view", "ours": "portal home"}
            for i in range(ctx.repeat):  # interleaved, so drift hits both servers alike
                suffix = f" (run {i + 1}/{ctx.repeat})" if ctx.repeat > 1 else ""
                for key in runs:
                    runs[key].append(_measure(ctx, labels[key] + suffix, urls[key] + "/"))

    ctx.note(
        load.describe(runs["bare"][0].tool, ctx.threads, ctx.connections, ctx.duration)
        + f" after a {ctx.warmup:g} s warm-up, loopback; gunicorn 2 sync workers per server; "
        + (f"median of {ctx.repeat} interleaved runs" if ctx.repeat > 1 else "one run each (--repeat N for medians)")
    )
    for key, results in runs.items():
        problems = "; ".join(p for p in (r.problems() for r in results) if p)
        if problems:
            ctx.note(f"portal home, {key}: {problems}")

    ours, bare = runs["ours"], runs["bare"]
    title = 'portal home "/"'
    return [
        Row(f"{title}: throughput", _median(ours, "rps"), _median(bare, "rps"), "{:,.0f} req/s"),
        Row(f"{title}: p50 latency", _median(ours, "p50_ms"), _median(bare, "p50_ms"), "{:,.1f} ms", better="lower"),
        Row(f"{title}: p99 latency", _median(ours, "p99_ms"), _median(bare, "p99_ms"), "{:,.1f} ms", better="lower"),
        Row(f"{title}: page size", len(page), len(bare_page), "{:,.0f} B", better=""),
    ]
