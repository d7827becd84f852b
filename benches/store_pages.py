"""Store pages through our whole stack against a bare Django template view of the same size.

Pages: the catalogue list "/shop/catalogue/" (first page, 20 products with pictures) and one product's
detail page, with the demo merchants' ~200 products, each as three visitors get them:

- "anonymous": no cookie — the whole page from the store cache (shop/page_cache.py);
- "with a basket": an anonymous visitor whose basket cookie names a basket with one line — the shared
  page with their mini-basket and basket total rendered in (shop/regions.py);
- "signed in": a resident's session (their own basket, account links, wish lists, stock alerts).

Before the personal regions, the last two got a fresh Oscar render on every request (0.06–0.07× the
bare page); that render is still measured, as "rendered (cache off)", on a server whose store cache
keeps nothing (SHOP_PAGE_CACHE_SECONDS=0): what a page costs the first time after a change. It has no
goal; the three visitors have "≥ 0.5×" on throughput.

Every server is gunicorn with 2 sync workers on loopback; each bare page is sized to match the page it
is compared with; ours and the bare page are measured alternately, `--repeat` times (medians). Ours runs
config.settings.local with DEBUG=false on var/bench/store.sqlite3 (migrated once; the demo stations and
merchants are seeded into it once, in one transaction), a local-memory cache per worker standing in for
production's Redis, and production's session engine (cached_db); the visitors' basket and session are made
afresh for each run.
"""

from __future__ import annotations

import contextlib
import json

from benches import load
from benches.harness import Context, Row, gunicorn, manage, migrated_sqlite, progress
from benches.portal_home import _checked_page, _measure, _rows, bare_env
from benches.portal_home import ours_env as portal_env

DB_NAME = "store.sqlite3"

SEED_STORE = """
from django.db import transaction
from oscar.core.loading import get_model
from demo.seeding.shop import seed_merchants
from demo.seeding.county import seed_admins, seed_departments, seed_regions, seed_staff, seed_stations

class Quiet:
    def step(self, *args, **kwargs):
        pass

Product = get_model("catalogue", "Product")
if not Product.objects.exists():
    with transaction.atomic():  # all or nothing: a failed seeding leaves no half store for a rerun
        demo = seed_regions(Quiet())
        seed_admins(demo, Quiet())
        seed_stations(demo, Quiet())
        seed_departments(demo, Quiet())
        seed_staff(demo, Quiet())
        seed_merchants(demo, Quiet(), orders=False)  # the catalogue is all these pages show
product = Product.objects.filter(title__startswith="电饭煲").order_by("pk").first()
print(product.get_absolute_url())
"""

# A basket with one line for an anonymous visitor (its signed cookie), and a resident's session whose own
# basket has one line: the cookies of the two personal visitors.
VISITORS = """
import contextlib
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.core.signing import Signer
from django.db import transaction
from oscar.core.loading import get_class, get_model

Product = get_model("catalogue", "Product")
Basket = get_model("basket", "Basket")
strategy = get_class("partner.strategy", "Selector")().strategy()
product = Product.objects.filter(title__startswith="电饭煲").order_by("pk").first()
with transaction.atomic():
    user = get_user_model().objects.filter(username="bench-resident").first()
    if user is None:
        user = get_user_model().objects.create_user(username="bench-resident", password=None)
    anonymous = Basket.objects.create()
    anonymous.strategy = strategy
    anonymous.add_product(product, 1)
    own = Basket.open.filter(owner=user).first() or Basket.objects.create(owner=user)
    own.strategy = strategy
    if own.is_empty:
        own.add_product(product, 1)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.UsernameBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
print(json.dumps({
    "basket": f"{settings.OSCAR_BASKET_COOKIE_OPEN}={Signer().sign(anonymous.pk)}",
    "session": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
}))
"""


def ours_env(**extra: str) -> dict[str, str]:
    from benches.harness import VAR

    # Sessions as production reads them (config/settings/production.py): through the cache first. Safe with
    # this per-worker cache because the bench's sessions are only read.
    return {**portal_env(**extra), "DATABASE_URL": f"sqlite:///{VAR / DB_NAME}",
            "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db"}


def seeded_store() -> tuple[str, dict[str, str]]:
    """The product page's path, and the visitors' Cookie headers: "basket" (anonymous with a basket) and
    "session" (a signed-in resident); the demo merchants are seeded first if missing. One Django start."""
    progress("seeding the demo merchants into the bench database (once) and making the visitors…")
    result = manage("shell", "-c", SEED_STORE + VISITORS, env=ours_env(), check=False)
    if result.returncode != 0:
        raise RuntimeError(f"seeding the store failed:\n{result.stdout}\n{result.stderr}")
    path, cookies = result.stdout.strip().splitlines()[-2:]
    return path, json.loads(cookies)


def _goal(ctx: Context, rows: list[Row]) -> list[Row]:
    throughput = rows[0]
    throughput.goal = "≥ 0.5×"
    throughput.met = ctx.judge(throughput.ratio is not None and throughput.ratio >= 0.5)
    return rows


@contextlib.contextmanager
def _bare(size: int, label: str):
    progress(f"starting the bare baseline for {label} (page sized to {size:,} bytes)")
    with gunicorn("benches.bare.wsgi:application", env=bare_env(size), name="store-bare") as bare_url:
        yield bare_url + "/", len(_checked_page(bare_url + "/", "bare baseline"))


def _compare(
    ctx: Context, label: str, url: str, headers, judged: bool, size: int, bare_url: str, bare_size: int
) -> list[Row]:
    runs: dict[str, list[load.LoadResult]] = {"bare": [], "ours": []}
    for i in range(ctx.repeat):  # interleaved, so drift hits both servers alike
        suffix = f" (run {i + 1}/{ctx.repeat})" if ctx.repeat > 1 else ""
        runs["bare"].append(_measure(ctx, "bare Django template view" + suffix, bare_url))
        runs["ours"].append(_measure(ctx, label + suffix, url, headers))
    rows = _rows(ctx, label, runs, size, bare_size)
    return _goal(ctx, rows) if judged else rows


def run(ctx: Context) -> list[Row]:
    migrated_sqlite(DB_NAME, ours_env())
    product_path, cookies = seeded_store()
    visitors = {
        "anonymous": None,
        "with a basket": {"Cookie": cookies["basket"]},
        "signed in": {"Cookie": cookies["session"]},
    }
    rows: list[Row] = []
    progress("starting gunicorn for ours (config.wsgi, 2 sync workers), with the store cache and without")
    with (
        gunicorn("config.wsgi:application", env=ours_env(), name="store-ours") as ours_url,
        gunicorn(
            "config.wsgi:application", env=ours_env(SHOP_PAGE_CACHE_SECONDS="0"), name="store-ours-uncached"
        ) as uncached_url,
    ):
        pages = {"store catalogue list": "/shop/catalogue/", f"product detail {product_path}": product_path}
        for page, path in pages.items():
            targets = [
                (f"{page}, {who}", ours_url + path, headers, True) for who, headers in visitors.items()
            ]
            if not ctx.short or "list" in page:
                targets.append(
                    (
                        f"{page}, with a basket, rendered (cache off)",
                        uncached_url + path,
                        visitors["with a basket"],
                        False,
                    )
                )
            sizes = [len(_checked_page(url, "ours", headers)) for _label, url, headers, _judged in targets]
            if ctx.short:  # one bare page per store page (the visitors' pages differ by 1-3 %): fewer servers
                with _bare(sizes[0], page) as (bare_url, bare_size):
                    for target, size in zip(targets, sizes, strict=True):
                        rows += _compare(ctx, *target, size, bare_url, bare_size)
            else:
                for target, size in zip(targets, sizes, strict=True):
                    with _bare(size, target[0]) as (bare_url, bare_size):
                        rows += _compare(ctx, *target, size, bare_url, bare_size)
    tool = "wrk" if ctx.loadgen == "wrk" or (ctx.loadgen == "auto" and load.have_wrk()) else "python"
    ctx.note(load.describe_server_runs(ctx, tool))
    return rows
