"""Browser journeys: headless Chromium driven by Playwright (sync API) against pytest-django's live server.

Run with `make e2e` (`pytest -m e2e tests/e2e`). Needs Debian's chromium (`scripts/install-system-deps.sh
--for e2e`): Playwright cannot download its own browser here. Without it every e2e test is skipped with a
banner, unless E2E_REQUIRE_BROWSER=1 (CI), which turns the skip into a failure.

Fixtures
- `browser`   one Chromium for the session.
- `page`      a fresh context per test (locale zh-CN, Asia/Shanghai, base_url = the live server).
- `shot`      `shot("01-home")` saves artifacts/e2e/<test-name>-01-home.png; a failing test always gets
              artifacts/e2e/<test-name>-failure.png (see pytest_runtest_makereport below).
- `sign_in`   fills the one sign-in page and returns the first page it lands on.
- `wallet_simulators`  WeChat Pay and Alipay simulated by the live server itself.

Data is built per test with the factories (tests/factories.py, tests/conftest.py). Every test runs on a
transactional database (the live server is another thread) with serialized rollback, so data that
migrations create — Wagtail's home page and site, the role groups — is back for the next test. On SQLite
that database is a file (tests/db_template.py): the live server answers requests in several threads at
once (the counter's service worker fills its cache beside the page), each with its own connection.
"""

import os
import re
from pathlib import Path

import pytest

from tests.e2e.helpers import assert_ok

E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR.parents[1] / "artifacts" / "e2e"  # git-ignored
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
# Without these Chromium tries to reach Google's services, and hangs or fails on this network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PASSWORD = "pass-1234-word"  # tests.factories.UserFactory
TIMEOUT_MS = int(os.environ.get("E2E_TIMEOUT_MS", "10000"))
# The live server's first page loads the URL configuration, the templates and the translations: on a busy
# machine that alone took more than TIMEOUT_MS, failing whichever journey happened to run first.
WARM_UP_MS = max(TIMEOUT_MS, 90_000)
NO_BROWSER = (
    f"E2E TESTS SKIPPED: no Chromium at {CHROMIUM}. "
    "Install it with `scripts/install-system-deps.sh --for e2e` (or set E2E_CHROMIUM=/path/to/chromium)."
)
BROWSER_REQUIRED = os.environ.get("E2E_REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}


def _in_e2e(item) -> bool:
    return E2E_DIR in Path(str(item.fspath)).resolve().parents


def _browser_missing() -> bool:
    return not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK))


def pytest_collection_modifyitems(config, items):
    """Without a browser, mark the journeys skipped up front (or, with E2E_REQUIRE_BROWSER=1, let
    `_browser_present` fail them), so no ~50 s test database is built for nothing."""
    if not _browser_missing() or BROWSER_REQUIRED:
        return
    for item in items:
        if _in_e2e(item):
            item.add_marker(pytest.mark.skip(reason=NO_BROWSER))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if NO_BROWSER in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} {NO_BROWSER}", red=True, bold=True)
    ran = [
        r
        for key in ("passed", "failed")
        for r in terminalreporter.stats.get(key, [])
        if getattr(r, "when", "") == "call" and "tests/e2e/" in r.nodeid
    ]
    if ran and ARTIFACTS.is_dir():
        terminalreporter.write_line(f"e2e screenshots: {ARTIFACTS}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On any failure while a page is open (setup or the test itself), save the page as it was."""
    report = yield
    if report.failed and report.when in {"setup", "call"} and _in_e2e(item):
        page = item.funcargs.get("page")
        if page is not None and not page.is_closed():
            path = ARTIFACTS / f"{_safe(item.name)}-failure.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                report.sections.append(("e2e", f"screenshot at failure: {path}  (url {page.url})"))
            except Exception as exc:  # a crashed page must not hide the real failure
                report.sections.append(("e2e", f"could not save a failure screenshot: {exc!r}"))
    return report


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_")


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if "PYTEST_XDIST_WORKER" not in os.environ:  # one process: start from an empty folder
        for old in ARTIFACTS.glob("*.png"):
            old.unlink()
    return ARTIFACTS


@pytest.fixture(scope="session", autouse=True)
def _browser_present():
    """First fixture of every journey: without a browser, stop before the ~50 s database build."""
    if _browser_missing():
        if BROWSER_REQUIRED:
            pytest.fail(
                f"E2E_REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}: "
                "run scripts/install-system-deps.sh --for e2e"
            )
        pytest.skip(NO_BROWSER)


@pytest.fixture(scope="session")
def browser(_browser_present):
    # Playwright's sync API runs an event loop in this thread, and Django's ORM refuses to run under
    # one. Set here rather than at import so that a `make test` run (which imports this conftest
    # while collecting) keeps Django's check.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # That loop also moves this thread's database connections: Django keeps them in an asgiref Local, which
    # uses plain thread-local storage while no loop runs here and a context-local one, empty at first, while one
    # does. Without this, every test after this point would get new connection objects instead of the ones
    # setup_databases made (before or after this), which hold `_test_serialized_contents`: the serialized
    # rollback would silently restore nothing, and a journey would see the migrations' data (Wagtail's home
    # page, the official calendar, ...) only if no journey had run before it.
    this_threads = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in this_threads.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _e2e_database(transactional_db, django_db_serialized_rollback):
    """Committed data (the live server is another thread) and the migrations' data restored each test."""
    from django.db import DEFAULT_DB_ALIAS, connections

    # Django restores the data only from a connection that carries it; without it it restores nothing, silently.
    if not hasattr(connections[DEFAULT_DB_ALIAS], "_test_serialized_contents"):
        pytest.fail(
            "this journey's database connection has no serialized contents to restore the migrations' "
            "data from (is it a connection setup_databases made? see the `browser` fixture)"
        )


@pytest.fixture
def page(browser, live_server, artifacts_dir):
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    if not _warmed_up(live_server):
        page.goto("/login/", timeout=WARM_UP_MS)
        page.goto("about:blank")
    yield page
    context.close()


_WARM_SERVERS: set[str] = set()


def _warmed_up(live_server) -> bool:
    """Whether this session's live server has served a page already (and note that it will have now)."""
    warmed = live_server.url in _WARM_SERVERS
    _WARM_SERVERS.add(live_server.url)
    return warmed


@pytest.fixture
def shot(request, page, artifacts_dir):
    """`shot("02-signed-in")` → artifacts/e2e/<test-name>-02-signed-in.png (full page)."""
    prefix = _safe(request.node.name)

    def save(step: str) -> Path:
        path = artifacts_dir / f"{prefix}-{_safe(step)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def sign_in(page, shot):
    """Open /login/, sign in (screenshot "<step>" of the filled form), and return the response of the
    page the sign-in lands on, after the redirect; a refused sign-in lands back on /login/."""

    def do(user, *, password: str = PASSWORD, step: str = "01-sign-in"):
        assert_ok(page.goto("/login/"), "sign-in page")
        form = page.locator("form:has(input[name='username'])")
        form.locator("input[name='username']").fill(user.username)
        form.locator("input[name='password']").fill(password)
        shot(step)
        with page.expect_navigation() as landing:
            form.locator("[type='submit']").first.click()
        return landing.value

    return do


@pytest.fixture
def pickup_store(station, resident, tree):
    """The station hands over store orders; a merchant of its township sells eggs at ¥36.00; the resident has
    a phone and an e-mail address. {"merchant_user", "product"}."""
    from stations.models import StationService
    from tests.shop import factories

    StationService.objects.create(station=station, kind="shop_pickup")
    merchant = factories.merchant(name="乐亭绿源合作社", townships=[tree["townships"][0]])
    product = factories.product(merchant.partner, title="农家土鸡蛋", price="36.00")
    resident.email, resident.phone = "liu@example.cn", "13935000001"
    resident.save()
    return {"merchant_user": merchant.partner.users.get(), "product": product}


@pytest.fixture
def wallet_simulators(settings, live_server):
    """WeChat Pay and Alipay are simulated by this live server: our API calls to them and their signed
    notifications to us go over HTTP, as with the real gateways (no merchant ids: the simulators answer)."""
    from django.core.cache import cache

    from agency.wallets import wechat

    settings.ENABLE_SIMULATORS = settings.WALLET_SIMULATORS = True
    settings.WECHATPAY_MCHID = settings.ALIPAY_APPID = ""
    settings.SITE_URL = live_server.url
    cache.clear()
    wechat.client_cache_clear()
    yield
    wechat.client_cache_clear()
