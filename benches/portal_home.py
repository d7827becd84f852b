"""Portal pages through our whole stack against a bare Django template view of the same size.

Pages: the home page "/" and a service guide (Wagtail pages with the demo county's content), served
from the whole-page cache (core/page_cache.py) as anonymous visitors get them, and the guide once
more from a server whose cache keeps nothing (PORTAL_PAGE_CACHE_SECONDS=0): what Wagtail costs
uncached. Issue 8's target: the cached guide at ≥ 0.8× the bare view.

Every server is gunicorn with 2 sync workers on loopback, loaded the same way; each bare page is
sized to match the page it is compared with, so a ratio is the cost of our stack per request:
middleware, sessions, Wagtail's site and page routing, database reads, context processors and the
real templates (or, on a cache hit, the cache lookup and the CSRF token swap).

Ours runs config.settings.local with DEBUG=false against var/bench/portal.sqlite3 (migrated once,
reused while `migrate --check` is clean; the demo portal's pages are seeded into it once), a
local-memory cache per worker, eager Celery. Production settings need
PostgreSQL and Redis, so they are not what this figure measures.

Settings keep database connections (CONN_MAX_AGE=60): this benchmark measured 2x the throughput
with reuse, because opening a SQLite connection to our ~600-object schema costs ~5 ms.
"""

from __future__ import annotations

import statistics

from benches import load
from benches.harness import (
    VAR,
    Context,
    Row,
    clean_env,
    fetch,
    gunicorn,
    manage,
    migrated_sqlite,
    progress,
    project_env,
)

DB_NAME = "portal.sqlite3"


def ours_env(**extra: str) -> dict[str, str]:
    return project_env(
        **extra,
        DATABASE_URL=f"sqlite:///{VAR / DB_NAME}",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )


def bare_env(page_bytes: int) -> dict[str, str]:
    return clean_env(DJANGO_SETTINGS_MODULE="benches.bare.settings", BENCH_BARE_BYTES=str(page_bytes))


def _checked_page(url: str, who: str, headers: dict[str, str] | None = None) -> bytes:
    if headers:
        import urllib.request

        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as response:
            status, body = response.status, response.read()
    else:
        status, body = fetch(url)
    if status != 200:
        raise RuntimeError(f"{who} answered {url} with HTTP {status}; not measuring an error page")
    return body


def _measure(ctx: Context, label: str, url: str, headers: dict[str, str] | None = None) -> load.LoadResult:
    """Warm up, then measure `url` (with `headers` on every request, e.g. a visitor's cookies)."""
    kwargs = {"threads": ctx.threads, "connections": ctx.connections, "tool": ctx.loadgen, "headers": headers}
    progress(f"warming up {label}… {ctx.warmup:g} s")
    load.run(url, seconds=ctx.warmup, **kwargs)
    progress(f"measuring {label}… {ctx.duration:g} s")
    result = load.run(url, seconds=ctx.duration, **kwargs)
    progress(
        f"  {label}: {result.rps:,.0f} req/s, p50 {result.p50_ms or 0:.1f} ms, p99 {result.p99_ms or 0:.1f} ms,"
        f" {result.requests:,} requests" + (f" — {result.problems()}" if result.problems() else "")
    )
    return result


def _median(runs: list[load.LoadResult], attr: str) -> float | None:
    values = [getattr(r, attr) for r in runs if getattr(r, attr) is not None]
    return statistics.median(values) if values else None


SEED_PORTAL = """
from demo.seeding.catalogue import seed_catalogue
from demo.seeding.county import seed_admins, seed_departments, seed_regions, seed_stations
from demo.seeding.portal import seed_portal
from portal.models import ServiceGuidePage

class Quiet:
    def step(self, *args, **kwargs):
        pass

guide = ServiceGuidePage.objects.live().filter(service_item__code="LT-MZJ-01").first()
if guide is None:
    demo = seed_regions(Quiet())
    seed_admins(demo, Quiet())
    seed_stations(demo, Quiet())
    seed_departments(demo, Quiet())
    seed_catalogue(demo, Quiet())
    seed_portal(demo, Quiet())
    guide = ServiceGuidePage.objects.live().get(service_item__code="LT-MZJ-01")
print(guide.url)
"""


def seeded_guide_path(env: dict[str, str]) -> str:
    """The URL path of the demo guide for 最低生活保障申请, seeding the demo portal once if missing."""
    progress("seeding the demo portal into the bench database (once)…")
    result = manage("shell", "-c", SEED_PORTAL, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"seeding the portal failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


def _pages(ours_url: str, guide_path: str) -> dict[str, tuple[str, str]]:
    """key → (label, URL) of the pages measured on the caching server."""
    return {
        "home": ('portal home "/", cached', ours_url + "/"),
        "guide": (f"service guide {guide_path}, cached", ours_url + guide_path),
    }


def run(ctx: Context) -> list[Row]:
    migrated_sqlite(DB_NAME, ours_env())
    guide_path = seeded_guide_path(ours_env())
    runs: dict[str, list[load.LoadResult]] = {}
    rows: list[Row] = []
    progress("starting gunicorn for ours (config.wsgi, 2 sync workers) with and without the page cache")
    with (
        gunicorn("config.wsgi:application", env=ours_env(), name="portal-ours") as ours_url,
        gunicorn(
            "config.wsgi:application",
            env=ours_env(PORTAL_PAGE_CACHE_SECONDS="0"),
            name="portal-ours-uncached",
        ) as uncached_url,
    ):
        targets = {
            **_pages(ours_url, guide_path),
            "guide-uncached": (f"service guide {guide_path}, uncached", uncached_url + guide_path),
        }
        sizes = {key: len(_checked_page(url, "ours")) for key, (_label, url) in targets.items()}
        for key, (label, url) in targets.items():
            progress(f"starting the bare baseline for {label} (page sized to {sizes[key]:,} bytes)")
            with gunicorn(
                "benches.bare.wsgi:application", env=bare_env(sizes[key]), name="portal-bare"
            ) as bare_url:
                bare_size = len(_checked_page(bare_url + "/", "bare baseline"))
                pair = {"bare": bare_url + "/", "ours": url}
                runs = {"bare": [], "ours": []}
                for i in range(ctx.repeat):  # interleaved, so drift hits both servers alike
                    suffix = f" (run {i + 1}/{ctx.repeat})" if ctx.repeat > 1 else ""
                    for side, target in pair.items():
                        name = "bare Django template view" if side == "bare" else label
                        runs[side].append(_measure(ctx, name + suffix, target))
            rows += _rows(ctx, label, runs, sizes[key], bare_size)
    ctx.note(load.describe_server_runs(ctx, runs["bare"][0].tool))
    return rows


def _rows(
    ctx: Context, title: str, runs: dict[str, list[load.LoadResult]], size: int, bare_size: int
) -> list[Row]:
    for key, results in runs.items():
        problems = "; ".join(p for p in (r.problems() for r in results) if p)
        if problems:
            ctx.note(f"{title}, {key}: {problems}")
    ours, bare = runs["ours"], runs["bare"]
    return [
        Row(f"{title}: throughput", _median(ours, "rps"), _median(bare, "rps"), "{:,.0f} req/s"),
        Row(
            f"{title}: p50 latency",
            _median(ours, "p50_ms"),
            _median(bare, "p50_ms"),
            "{:,.1f} ms",
            better="lower",
        ),
        Row(
            f"{title}: p99 latency",
            _median(ours, "p99_ms"),
            _median(bare, "p99_ms"),
            "{:,.1f} ms",
            better="lower",
        ),
        Row(f"{title}: page size", size, bare_size, "{:,.0f} B", better=""),
    ]
