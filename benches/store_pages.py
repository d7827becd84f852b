"""Store pages through our whole stack against a bare Django template view of the same size.

Pages: the catalogue list "/shop/catalogue/" (first page, 20 products with pictures) and one product's
detail page, as an anonymous resident gets them, with the demo merchants' ~200 products. The list
reads products through shop/selectors/catalogue.py (SQL, suspended merchants left out) instead of
haystack's SimpleEngine, which loads the whole product table on every request.

Since the store-page cache (shop/page_cache.py) an anonymous visitor's repeat request is answered
from the cache (keyed by language, emptied by any product, stock record, price or merchant change),
so "ours" here measures the cached path; the first request after a change renders as before.

Every server is gunicorn with 2 sync workers on loopback; each bare page is sized to match the page it
is compared with. Ours runs config.settings.local with DEBUG=false on var/bench/store.sqlite3 (migrated
once; the demo stations and merchants are seeded into it once).
"""

from __future__ import annotations

from benches import load
from benches.harness import Context, Row, gunicorn, manage, migrated_sqlite, progress
from benches.portal_home import _checked_page, _measure, _rows, bare_env
from benches.portal_home import ours_env as portal_env

DB_NAME = "store.sqlite3"

SEED_STORE = """
from oscar.core.loading import get_model
from demo.seeding.shop import seed_merchants
from demo.seeding.county import seed_admins, seed_departments, seed_regions, seed_staff, seed_stations

class Quiet:
    def step(self, *args, **kwargs):
        pass

Product = get_model("catalogue", "Product")
if not Product.objects.exists():
    demo = seed_regions(Quiet())
    seed_admins(demo, Quiet())
    seed_stations(demo, Quiet())
    seed_departments(demo, Quiet())
    seed_staff(demo, Quiet())
    seed_merchants(demo, Quiet(), orders=False)  # the catalogue is all these pages show
product = Product.objects.filter(title__startswith="电饭煲").order_by("pk").first()
print(product.get_absolute_url())
"""


def ours_env(**extra: str) -> dict[str, str]:
    from benches.harness import VAR

    return {**portal_env(**extra), "DATABASE_URL": f"sqlite:///{VAR / DB_NAME}"}


def seeded_product_path(env: dict[str, str]) -> str:
    progress("seeding the demo merchants into the bench database (once)…")
    result = manage("shell", "-c", SEED_STORE, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"seeding the store failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


def run(ctx: Context) -> list[Row]:
    migrated_sqlite(DB_NAME, ours_env())
    product_path = seeded_product_path(ours_env())
    rows: list[Row] = []
    runs: dict[str, list[load.LoadResult]] = {}
    with gunicorn("config.wsgi:application", env=ours_env(), name="store-ours") as ours_url:
        targets = {"list": ("store catalogue list", ours_url + "/shop/catalogue/"),
                   "detail": (f"product detail {product_path}", ours_url + product_path)}
        for _key, (label, url) in targets.items():
            size = len(_checked_page(url, "ours"))
            progress(f"starting the bare baseline for {label} (page sized to {size:,} bytes)")
            with gunicorn("benches.bare.wsgi:application", env=bare_env(size), name="store-bare") as bare_url:
                bare_size = len(_checked_page(bare_url + "/", "bare baseline"))
                runs = {"bare": [], "ours": []}
                for i in range(ctx.repeat):  # interleaved, so drift hits both servers alike
                    suffix = f" (run {i + 1}/{ctx.repeat})" if ctx.repeat > 1 else ""
                    runs["bare"].append(_measure(ctx, "bare Django template view" + suffix, bare_url + "/"))
                    runs["ours"].append(_measure(ctx, label + suffix, url))
            rows += _rows(ctx, label, runs, size, bare_size)
    ctx.note(load.describe(runs["bare"][0].tool, ctx.threads, ctx.connections, ctx.duration)
             + f" after a {ctx.warmup:g} s warm-up, loopback; gunicorn 2 sync workers per server")
    return rows
