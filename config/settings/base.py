"""Settings shared by every environment.

Everything that differs between a laptop demo and a county deployment comes from the
environment (see config/env.py); with nothing set the project runs embedded: SQLite,
eager Celery, local-memory cache, console SMS.
"""

import base64
import hashlib
from datetime import timedelta

import structlog
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403  Oscar's documented way to get its defaults

from config.env import BASE_DIR, env, fail, networks, read
from core.csp import source_hash, url_source
from core.file_crypto import FileKeyError, parse_master_keys

DEBUG = read("DEBUG", env.bool, False, "DEBUG=false")
# Published in this repository, so production refuses it (config/settings/production.py).
DEVELOPMENT_SECRET_KEY = "dev-insecure-cunzhan-key-change-me-0123456789abcdef"
SECRET_KEY = read("SECRET_KEY", env.str, DEVELOPMENT_SECRET_KEY, "SECRET_KEY=<50 random chars>")
ALLOWED_HOSTS = read("ALLOWED_HOSTS", env.list, ["127.0.0.1", "localhost", "[::1]", "testserver"], "ALLOWED_HOSTS=cunzhan.example.cn")
# The reverse proxies (TLS terminator) in front of the web processes: only a request from one of these
# may say, in X-Forwarded-For, whose request it carries (core/http.py). Unset: the peer is the client.
TRUSTED_PROXIES = read("TRUSTED_PROXIES", networks, [], "TRUSTED_PROXIES=127.0.0.1,10.0.0.0/24")
CSRF_TRUSTED_ORIGINS = read("CSRF_TRUSTED_ORIGINS", env.list, [], "CSRF_TRUSTED_ORIGINS=https://cunzhan.example.cn")

OUR_APPS = [
    "demo",
    "core",
    "accounts",
    "stations",
    "agency",
    "gov_services",
    "shop",
    "care",
    "portal",
    "reports",
    "visits",
]

WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
]

OSCAR_APPS = [
    "shop.oscar_shop.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "shop.shipping.apps.ShippingConfig",
    "oscar.apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    "shop.customer.apps.CustomerConfig",
    "shop.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "shop.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "shop.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "django_tables2",
    "sorl.thumbnail",
]

INSTALLED_APPS = [
    *OUR_APPS,
    *WAGTAIL_APPS,
    *OSCAR_APPS,
    "django_celery_beat",
    "ninja",  # its Swagger UI files are served locally only when installed as an app
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    "axes",  # sign-in lock-outs (accounts/lockout.py)
    "django_prometheus",  # request, database and cache metrics (core/metrics.py adds the business gauges)
    "django_structlog",  # JSON logs with a request id, carried into Celery tasks (LOGGING below)
    # Two-factor sign-in (accounts/two_factor.py): authenticator apps (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

# Oscar's basket needs session and auth,
# Wagtail's redirect middleware goes last.
MIDDLEWARE = [
    # First and last: every request's count and latency (core/metrics.py serves them at /metrics).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before the page caches, so that a cached page gets a header (and a nonce) of its own; before the
    # text check too, so that its 400 page carries the policy.
    "core.csp.PathPolicyMiddleware",
    # NUL and lone surrogates anywhere in a request: a 400 before the session or any view reads them.
    "core.text_input.UnstorableTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): a second factor given this session
    # GET requests of the report pages read from the replica, when there is one (config/db_router.py).
    "config.db_router.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions end with the browser and after STAFF_SESSION_IDLE_MINUTES; staff pages are no-store.
    "accounts.middleware.StaffSessionMiddleware",
    # A sign-in that owes a second factor gives it (or sets up an authenticator) before any other page.
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Whole public pages for anonymous visitors, answered before routing (core/page_cache.py).
    "core.page_cache.PageCacheMiddleware",
    # Store lists and product pages for anonymous visitors (shop/page_cache.py).
    "shop.page_cache.StorePageCacheMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    # Wagtail's redirects for moved portal pages, not looked up on a 404 in a workspace or the API.
    "portal.middleware.PortalRedirectMiddleware",
    # Turns a locked-out sign-in on any form into accounts.lockout.lockout_response.
    "axes.middleware.AxesMiddleware",
    # After sign-in, so the log lines carry the user; binds the request id every later line carries.
    "django_structlog.middlewares.RequestMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

# Content-Security-Policy (core/csp.py). Scripts: our own files, and inline scripts only with the
# response's nonce ({{ CSP_NONCE }}). Styles: our files and nonce'd <style> elements; style
# *attributes* stay allowed, because bars and meters carry their data-driven width in one
# (style="width: 40%"), and an attribute can neither run script nor select other elements.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# Directives that replace the site-wide ones under a path prefix, for pages whose JavaScript we do
# not write (measured in headless Chromium: tests/e2e/test_csp.py fails on any violation).
# Oscar's templates (store and dashboard) keep a few fixed inline event handlers: exactly these
# are allowed there, by hash.
OSCAR_INLINE_HANDLERS = [
    "window.location.href='/shop/basket/';",  # the mini-basket's "View basket"
    "window.history.go(-1);return false",  # "cancel" on forms
    "history.go(-1);return false",
    "window.print()",  # "Print this page" after checkout
    "javascript:history.go(-1);",  # "Return to previous page" on error pages
    "window.close();return false;",  # dashboard pop-ups
]
# The county map (stations/templates/stations/_map.html) draws township outlines and stations with Leaflet
# from our own static files, and works with no internet. Under them, a tile layer only when MAP_TILE_URL
# is set: a tile server on the county's network, or 天地图 (CGCS2000, like surveyed outlines; AMap's tiles
# are shifted by GCJ-02 and would not line up). Its host is then allowed to serve images.
MAP_TILE_URL = read("MAP_TILE_URL", env.str, "", "MAP_TILE_URL=https://tiles.county.example/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = read("MAP_TILE_ATTRIBUTION", env.str, "", "MAP_TILE_ATTRIBUTION=© 天地图")
if MAP_TILE_URL:
    if url_source(MAP_TILE_URL) is None:
        fail("MAP_TILE_URL", "must be an http(s) URL, e.g. https://tiles.county.example/{z}/{x}/{y}.png")
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(url_source(MAP_TILE_URL))
CSP_PATH_DIRECTIVES = {
    "/shop/": {"script-src-attr": [UNSAFE_HASHES, *map(source_hash, OSCAR_INLINE_HANDLERS)]},
    # Wagtail's admin (editors only, signed in) renders its date pickers as inline scripts from form
    # widgets, which have no request to take a nonce from, and its editors inject <style> elements.
    "/cms/": {"script-src": [SELF, UNSAFE_INLINE], "style-src": [SELF, UNSAFE_INLINE]},
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # Not Oscar's search_form and notifications processors: our store templates use neither
                # (the store's search form is ours; residents' messages are texts), and together they cost
                # every page on the site, staff pages included, a haystack form and a COUNT query (~1 ms).
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.core.context_processors.metadata",
                "core.context_processors.site_chrome",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": read("DATABASE_URL", env.db_url, f"sqlite:///{BASE_DIR / 'var' / 'cunzhan.sqlite3'}", "postgres://user:pass@127.0.0.1:5432/cunzhan")
}
if not DATABASES["default"].get("ENGINE"):
    fail("DATABASE_URL", "has an unknown scheme; use sqlite:///path or postgres://user:pass@host:5432/name")
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Reuse connections: a new PostgreSQL connection costs ~7 ms, and a new SQLite one ~5 ms of
# schema parsing; `make bench` measured 2x the portal's throughput with reuse.
DATABASES["default"]["CONN_MAX_AGE"] = read("CONN_MAX_AGE", env.int, 60, "CONN_MAX_AGE=60")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Connection pooling, for many processes against one PostgreSQL (docs/scale.md). With pgbouncer in
# transaction mode in front of the server (scripts/province/up.sh), one server connection serves many
# clients between their transactions: a cursor may not outlive its transaction there, so Django's
# server-side cursors (.iterator() on PostgreSQL) are turned off.
DATABASE_POOLER = read("DATABASE_POOLER", env.str, "", "DATABASE_POOLER=pgbouncer (or leave it empty)")
if DATABASE_POOLER not in ("", "pgbouncer"):
    fail("DATABASE_POOLER", f"is {DATABASE_POOLER!r}; the only pooler known is pgbouncer (or leave it empty)")
# Django's own psycopg pool, one per process (needs the psycopg-pool package): a process with threads
# (gunicorn gthread, Celery threads) shares up to this many connections. Sync gunicorn workers and Celery
# prefork children serve one request at a time, where it is no better than CONN_MAX_AGE; pgbouncer is
# what pools *across* processes.
DATABASE_POOL_MAX_SIZE = read("DATABASE_POOL_MAX_SIZE", env.int, 0, "DATABASE_POOL_MAX_SIZE=4 (0: no pool)")
# A read replica of the default database (streaming replication): report pages and report jobs read
# from it through config.db_router.ReplicaRouter; every write goes to the primary.
REPLICA_DATABASE_URL = read("REPLICA_DATABASE_URL", env.str, "", "postgres://cunzhan@127.0.0.1:5433/cunzhan")
# work_mem of the replica's connections, which serve only report pages and jobs: their sorts and hashes stay
# in memory (the server's 4 MB default sent a two-year report by month to disk). Empty: the server's.
REPORTS_WORK_MEM = read("REPORTS_WORK_MEM", env.str, "64MB", "REPORTS_WORK_MEM=64MB")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = {
        **DATABASES["default"],
        **read("REPLICA_DATABASE_URL", env.db_url, "", "postgres://cunzhan@127.0.0.1:5433/cunzhan"),
        # Report pages read outside the request's transaction: no transaction per request on the replica.
        "ATOMIC_REQUESTS": False,
        "TEST": {"MIRROR": "default"},
    }
    if REPORTS_WORK_MEM:
        DATABASES["replica"]["OPTIONS"] = {**DATABASES["replica"].get("OPTIONS", {}),
                                           "options": f"-c work_mem={REPORTS_WORK_MEM}"}
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
if DATABASE_POOLER == "pgbouncer":  # the replica is reached directly: its report reads may stream
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
for _database in DATABASES.values():
    if DATABASE_POOL_MAX_SIZE and _database["ENGINE"].endswith("postgresql"):
        try:
            import psycopg_pool  # noqa: F401
        except ImportError:
            fail("DATABASE_POOL_MAX_SIZE", "needs the psycopg-pool package (pip install 'psycopg[pool]')")
        _database.setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": DATABASE_POOL_MAX_SIZE}
        _database["CONN_MAX_AGE"] = 0  # Django refuses persistent connections beside a pool
# Which requests and tasks may read from the replica (config/db_router.py).
REPLICA_READ_NAMESPACES = ["reports"]
REPLICA_READ_TASKS = ["reports.tasks.run_report_job"]
# The government-service report pages read the daily request rollups (reports/rollups.py), kept exact in the
# transaction of every request change; false reads the requests themselves (the tests' default: their
# fixtures write requests directly, and tests/reports/test_request_rollups.py compares the two ways).
REPORTS_READ_ROLLUPS = read("REPORTS_READ_ROLLUPS", env.bool, True, "REPORTS_READ_ROLLUPS=false")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": read("CACHE_URL", env.cache_url, "locmemcache://cunzhan", "redis://127.0.0.1:6379/1")}
# Rate limits (tracking look-ups, /verify/, SMS sends) are django-ratelimit counters in that cache, by
# client address (core/http.py). Not an installed app: its checks reject the embedded local-memory cache,
# which is right for the one-process demo; production's Redis is shared by every web process.
RATELIMIT_IP_META_KEY = "core.http.ratelimit_ip"
# Open311 GeoReport v2 (/open311/v2/): "realtime" files a POSTed request at once and answers its id;
# "batch" answers a token and files it in a Celery task (GET tokens/{token} then gives the id). Callers
# without a key are limited per address; a channel's key by the channel's own rate.
OPEN311_REQUEST_TYPE = read("OPEN311_REQUEST_TYPE", env.str, "realtime", "OPEN311_REQUEST_TYPE=batch")
OPEN311_ANONYMOUS_RATE = read("OPEN311_ANONYMOUS_RATE", env.str, "120/m", "OPEN311_ANONYMOUS_RATE=120/m")
OPEN311_CONTACT = read("OPEN311_CONTACT", env.str, "", "OPEN311_CONTACT=12345@county.gov.cn")
# WeChat official accounts (gov_services/channels/wechat*.py): where a photo a resident sent is fetched from
# ("http": WeChat's PicUrl; "simulator": the WeChat simulator's store), and whether county admins get the
# "try it" page that talks to the account through the simulator. Production: http and off.
WECHAT_MEDIA_SOURCE = read("WECHAT_MEDIA_SOURCE", env.str, "simulator", "WECHAT_MEDIA_SOURCE=http")
WECHAT_SIMULATOR = read("WECHAT_SIMULATOR", env.bool, True, "WECHAT_SIMULATOR=false")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.LockoutBackend",  # first: refuses a locked account or address before any password check
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.PhoneBackend",
    "oscar.apps.customer.auth_backends.EmailBackend",
]
# Guessing passwords and SMS codes (accounts/lockout.py): within LOGIN_LOCKOUT_MINUTES of the last failure,
# LOGIN_FAILURE_LIMIT wrong passwords lock an account, SMS_CODE_FAILURE_LIMIT wrong codes a number and
# LOGIN_ADDRESS_FAILURE_LIMIT failures of either kind a client address, for LOGIN_LOCKOUT_MINUTES.
LOGIN_FAILURE_LIMIT = read("LOGIN_FAILURE_LIMIT", env.int, 5, "LOGIN_FAILURE_LIMIT=5")
SMS_CODE_FAILURE_LIMIT = read("SMS_CODE_FAILURE_LIMIT", env.int, 10, "SMS_CODE_FAILURE_LIMIT=10")
LOGIN_ADDRESS_FAILURE_LIMIT = read("LOGIN_ADDRESS_FAILURE_LIMIT", env.int, 30, "LOGIN_ADDRESS_FAILURE_LIMIT=30")
LOGIN_LOCKOUT_MINUTES = read("LOGIN_LOCKOUT_MINUTES", env.int, 30, "LOGIN_LOCKOUT_MINUTES=30")
AXES_HANDLER = "accounts.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # this order: the handler reads them so
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_USERNAME_CALLABLE = "accounts.lockout.attempt_username"
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ADMIN = False  # accounts/admin.py lists attempts; every lift goes through lockout_lift (audited)
# Kept out of the attempt log's copy of the form (Oscar's form fields carry a prefix).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "login-username", "login-password", "password1",
                             "password2", "code"]
AXES_VERBOSE = False

# Sessions live in the database. Production reads them through its shared Redis first ("cached_db": no query
# on most requests); the embedded default cannot, because its local-memory cache belongs to one process and a
# sign-out in one process would leave the session alive in another's copy.
SESSION_ENGINE = read("SESSION_ENGINE", env.str, "django.contrib.sessions.backends.db",
                      "SESSION_ENGINE=django.contrib.sessions.backends.cached_db")

# Counter PCs are shared (accounts/middleware.py): a staff session ends when the browser closes and after
# this many minutes without a request. Residents keep SESSION_COOKIE_AGE (two weeks).
STAFF_SESSION_IDLE_MINUTES = read("STAFF_SESSION_IDLE_MINUTES", env.int, 30, "STAFF_SESSION_IDLE_MINUTES=30")

# Two-factor sign-in (accounts/two_factor.py; 等保 2.0 asks it of administrators): holders of these roles
# (and platform superusers) give a code from an authenticator app after their password. Officers and
# operators may be added by the county's policy; an empty list asks it of nobody (the demo's default).
TWO_FACTOR_ROLES = read("TWO_FACTOR_ROLES", env.list,
                        ["county_admin", "township_admin", "system_admin", "security_admin", "audit_admin",
                         "data_officer"], "TWO_FACTOR_ROLES=county_admin,township_admin,system_admin,security_admin")
OTP_TOTP_ISSUER = read("OTP_TOTP_ISSUER", env.str, "村站", "OTP_TOTP_ISSUER=乐亭县村站")

LOGIN_URL = reverse_lazy("accounts:login")
LOGIN_REDIRECT_URL = reverse_lazy("accounts:landing")
LOGOUT_REDIRECT_URL = "/"
# The back office's navigation, declared in config and rendered by stations (stations/navigation.py).
COUNTY_NAVIGATION = "config.navigation.COUNTY_NAVIGATION"
MERCHANT_NAVIGATION = "config.navigation.MERCHANT_NAVIGATION"
OFFLINE_COUNTER = "config.offline"  # what the counter does offline and who handles it at sync
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Staff (等保 2.0): complexity and no reuse of the last few (accounts/passwords.py); expiry below.
    {"NAME": "accounts.passwords.StaffPasswordComplexityValidator", "OPTIONS": {"min_length": 10, "min_classes": 3}},
    {"NAME": "accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"history": 5}},
]
# A staff password older than this is changed at the next sign-in (0: never).
STAFF_PASSWORD_MAX_AGE_DAYS = read("STAFF_PASSWORD_MAX_AGE_DAYS", env.int, 90, "STAFF_PASSWORD_MAX_AGE_DAYS=90")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# locale/ is ours (makemessages writes it); locale_vendor/ fills the gaps in Wagtail's and
# Oscar's own zh_Hans catalogues. The first path wins, so ours overrides the vendor fill.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "var" / "media"
PRIVATE_MEDIA_ROOT = read("PRIVATE_MEDIA_ROOT", env.path, BASE_DIR / "var" / "private", "/srv/cunzhan/private")
# Private files are encrypted at rest (core/storage.py, core/file_crypto.py): a data key per file, wrapped
# with the county's master key named by FILE_MASTER_KEY_ID among FILE_MASTER_KEYS ("id:<base64 of 32
# bytes>", comma-separated; keep retired keys listed until `manage.py rotate_file_keys` has rewrapped every
# file). Keep them apart from the database and its backups. The development key is published: production
# refuses it.
DEVELOPMENT_FILE_MASTER_KEYS = "dev:" + base64.b64encode(hashlib.sha256(b"cunzhan-development-file-key").digest()).decode()
try:
    FILE_MASTER_KEYS = parse_master_keys(read("FILE_MASTER_KEYS", env.str, DEVELOPMENT_FILE_MASTER_KEYS,
                                              "FILE_MASTER_KEYS=k2026:<base64 of 32 random bytes>"))
except FileKeyError as error:
    fail("FILE_MASTER_KEYS", str(error))
FILE_MASTER_KEY_ID = read("FILE_MASTER_KEY_ID", env.str, next(iter(FILE_MASTER_KEYS), ""), "FILE_MASTER_KEY_ID=k2026")
# New private files are sealed with AES-256-GCM, or with SM4-GCM (国密, GB/T 32907) when "sm4-gcm"; files of
# either kind are read whatever this says, so it may change at any time.
FILE_CIPHER = read("FILE_CIPHER", env.str, "aes-256-gcm", "FILE_CIPHER=sm4-gcm")
if FILE_CIPHER not in ("aes-256-gcm", "sm4-gcm"):
    fail("FILE_CIPHER", f"is {FILE_CIPHER!r}; choose aes-256-gcm or sm4-gcm")
if FILE_MASTER_KEY_ID not in FILE_MASTER_KEYS:
    fail("FILE_MASTER_KEY_ID", f"names {FILE_MASTER_KEY_ID!r}, which FILE_MASTER_KEYS does not hold")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SITE_ID = 1
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploaded images with more pixels are refused (core/uploads.py): a 48-megapixel phone photo passes,
# a decompression bomb does not. Pillow everywhere refuses twice this (core/apps.py).
UPLOAD_MAX_IMAGE_PIXELS = read("UPLOAD_MAX_IMAGE_PIXELS", env.int, 50_000_000, "UPLOAD_MAX_IMAGE_PIXELS=50000000")

# seed_demo creates accounts with a published password; production turns it off.
DEMO_SEED_ALLOWED = True

# Email: Oscar sends order mail synchronously; the demo must not need an SMTP server.
EMAIL_BACKEND = read("EMAIL_BACKEND", env.str, "django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.smtp.EmailBackend")
DEFAULT_FROM_EMAIL = read("DEFAULT_FROM_EMAIL", env.str, "noreply@cunzhan.local", "noreply@county.gov.cn")

# SMS: core/sms/ resolves this dotted path; console prints, nothing leaves the machine. The gateways
# (core/sms_gateways.py): core.sms_gateways.AliyunSmsBackend or core.sms_gateways.TencentSmsBackend, each
# with SMS_<PROVIDER>_ENDPOINT=simulator for the loopback simulator (core/sms_simulator.py), else the real one.
SMS_BACKEND = read("SMS_BACKEND", env.str, "core.sms.ConsoleBackend", "core.sms_gateways.AliyunSmsBackend")
# The sign name (短信签名) of the built-in templates (console, outbox, simulators); counties set their own.
SMS_DEFAULT_SIGN_NAME = read("SMS_DEFAULT_SIGN_NAME", env.str, "村站", "SMS_DEFAULT_SIGN_NAME=乐亭村站")
SMS_TIMEOUT = read("SMS_TIMEOUT", env.float, 10.0, "SMS_TIMEOUT=10")
SMS_ALIYUN_ENDPOINT = read("SMS_ALIYUN_ENDPOINT", env.str, "dysmsapi.aliyuncs.com", "SMS_ALIYUN_ENDPOINT=simulator")
SMS_ALIYUN_REGION = read("SMS_ALIYUN_REGION", env.str, "cn-hangzhou", "SMS_ALIYUN_REGION=cn-hangzhou")
SMS_ALIYUN_ACCESS_KEY_ID = read("SMS_ALIYUN_ACCESS_KEY_ID", env.str, "", "SMS_ALIYUN_ACCESS_KEY_ID=LTAI5t…")
SMS_ALIYUN_ACCESS_KEY_SECRET = read("SMS_ALIYUN_ACCESS_KEY_SECRET", env.str, "", "SMS_ALIYUN_ACCESS_KEY_SECRET=<secret>")
SMS_TENCENT_ENDPOINT = read("SMS_TENCENT_ENDPOINT", env.str, "sms.tencentcloudapi.com", "SMS_TENCENT_ENDPOINT=simulator")
SMS_TENCENT_REGION = read("SMS_TENCENT_REGION", env.str, "ap-guangzhou", "SMS_TENCENT_REGION=ap-beijing")
SMS_TENCENT_SECRET_ID = read("SMS_TENCENT_SECRET_ID", env.str, "", "SMS_TENCENT_SECRET_ID=AKID…")
SMS_TENCENT_SECRET_KEY = read("SMS_TENCENT_SECRET_KEY", env.str, "", "SMS_TENCENT_SECRET_KEY=<secret>")
SMS_TENCENT_SDK_APP_ID = read("SMS_TENCENT_SDK_APP_ID", env.str, "", "SMS_TENCENT_SDK_APP_ID=1400006666")
# Delivery receipts are pushed to /sms/receipts/<provider>/<token>/ (core/sms_receipts.py); empty: refused.
SMS_RECEIPT_TOKEN = read("SMS_RECEIPT_TOKEN", env.str, "", "SMS_RECEIPT_TOKEN=<long random string>")
# The simulator pushes receipts here ({provider} filled in), as the providers do; empty: it does not.
SMS_SIMULATOR_RECEIPT_URL = read("SMS_SIMULATOR_RECEIPT_URL", env.str, "",
                                 "SMS_SIMULATOR_RECEIPT_URL=http://127.0.0.1:8000/sms/receipts/{provider}/<token>/")
# Messages of a purpose per mobile number per day, beyond the purposes' own (core/sms/ SmsPurpose).
SMS_DAILY_LIMITS = read("SMS_DAILY_LIMITS", env.json, {}, 'SMS_DAILY_LIMITS={"phone_code": 10}')
# Absolute links in text messages (the tracking page) start with this.
SITE_URL = read("SITE_URL", env.str, "http://127.0.0.1:8000", "https://cunzhan.example.cn")

# Celery: with no broker, tasks run inline at commit so the demo needs no server.
CELERY_BROKER_URL = read("CELERY_BROKER_URL", env.str, "", "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Month partitions older than this are listed as archivable by `manage.py db_partitions` (never dropped).
PARTITION_RETENTION_MONTHS = read("PARTITION_RETENTION_MONTHS", env.int, 24, "PARTITION_RETENTION_MONTHS=24")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = read("CELERY_RESULT_BACKEND", env.str, None, "redis://127.0.0.1:6379/2")
CELERY_TASK_ACKS_LATE = True
# A task whose pool process dies (killed, out of memory) goes back to the queue instead of being
# acknowledged as failed (Celery's default, which loses it): every acks_late task is safe to run again.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A task taken by a worker that then vanished whole (SIGKILL, the machine down) is handed out again by Redis
# after this many seconds; it must outlast the longest task and the longest retry countdown (docs/faults.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": read("CELERY_VISIBILITY_TIMEOUT", env.int, 3600,
                                                              "CELERY_VISIBILITY_TIMEOUT=3600")}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Retention of personal data (core/retention.py): days after which each rule deletes or anonymises,
# per rule code (`manage.py personal_data_retention --dry-run` lists the codes); unlisted rules keep their
# default. The county's archives rules decide; the inventory at /ops/personal-data/ says them in words.
PERSONAL_DATA_RETENTION_DAYS = read("PERSONAL_DATA_RETENTION_DAYS",
                                    lambda name, default: env.dict(name, cast={"value": int}, default=default), {},
                                    "PERSONAL_DATA_RETENTION_DAYS=request_scans=1095;request_applicant=1825")

# The digest of new integrity records (core/digests.py): links of the audit hash chain and the backup manifest's
# file fingerprints. "sha256" or "sm3" (GB/T 32905, 国密); records keep theirs, so mixed histories verify.
DIGEST_ALGORITHM = read("DIGEST_ALGORITHM", env.str, "sha256", "DIGEST_ALGORITHM=sm3").lower()
if DIGEST_ALGORITHM not in ("sha256", "sm3"):
    fail("DIGEST_ALGORITHM", "must be sha256 or sm3")

# The algorithm of new certificate-token keys (department and officials' keys made or rotated from now on):
# "Ed25519" or "SM2" (GB/T 32918, 国密). Keys already made keep theirs, and tokens of both verify everywhere.
CERTIFICATE_TOKEN_ALGORITHM = read("CERTIFICATE_TOKEN_ALGORITHM", env.str, "Ed25519", "CERTIFICATE_TOKEN_ALGORITHM=SM2")
if CERTIFICATE_TOKEN_ALGORITHM not in ("Ed25519", "SM2"):
    fail("CERTIFICATE_TOKEN_ALGORITHM", "must be Ed25519 or SM2")

# Days the data officer has to answer a resident's request to correct or delete their data.
PERSONAL_DATA_REQUEST_DAYS = read("PERSONAL_DATA_REQUEST_DAYS", env.int, 15, "PERSONAL_DATA_REQUEST_DAYS=15")

CELERY_BEAT_SCHEDULE = {
    # Personal data past its retention period, deleted or anonymised (core/retention.py), with a report.
    "personal-data-retention": {
        "task": "core.tasks.personal_data_retention",
        "schedule": crontab(minute=40, hour=2),
    },
    # The nightly backup (refused, and logged, while BACKUP_PASSPHRASE is unset).
    "backup-nightly": {
        "task": "core.tasks.backup_nightly",
        "schedule": crontab(minute=30, hour=1),
    },
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": 60 * 60 * 24,
    },
    # Cards and escalations: every 15 minutes is soon enough for working-day limits; idempotent.
    "supervision-sweep": {
        "task": "gov_services.tasks.supervision.supervision_sweep",
        "schedule": 15 * 60,
    },
    # Application drafts at the counter (scans kept across errors) past their expiry, with their files.
    "application-drafts-cleanup": {
        "task": "gov_services.tasks.drafts.application_drafts_cleanup",
        "schedule": 60 * 60,
    },
    # PostgreSQL: the coming months' partitions of the audit trail, outbox and request events (never drops).
    "db-partitions-ahead": {
        "task": "core.tasks.db_partitions_ahead",
        "schedule": crontab(minute=10, hour=3),
    },
    # The audit trail's hash chain (core/audit_chain.py): new events linked a minute after they land.
    "audit-chain-seal": {
        "task": "core.tasks.audit_chain_seal",
        "schedule": 60,
    },
    "sms-outbox-redispatch-stale": {
        "task": "core.tasks.sms_outbox_redispatch_stale",
        "schedule": 5 * 60,
    },
    # Report jobs queued while the broker was down (their hand-off refused, core/handoff.py).
    "report-jobs-redispatch-stale": {
        "task": "reports.tasks.report_jobs_redispatch_stale",
        "schedule": 5 * 60,
    },
    # Channels: webhook deliveries and Open311 tokens whose hand-off to Celery was lost (broker down).
    "webhook-deliveries-redispatch-stale": {
        "task": "gov_services.channels.tasks.webhook_deliveries_redispatch_stale",
        "schedule": 5 * 60,
    },
    "open311-tokens-redispatch": {
        "task": "gov_services.open311.tasks.open311_tokens_redispatch",
        "schedule": 5 * 60,
    },
    # Certificate PDFs issued while the broker was down (their hand-off refused, core/handoff.py).
    "certificate-pdfs-redispatch-stale": {
        "task": "gov_services.tasks.certificates.certificate_pdfs_redispatch_stale",
        "schedule": 5 * 60,
    },
    # Till: ask providers about payments left "unknown" (timeouts) or "pending" by a crash.
    "agency-reconcile-unknown": {
        "task": "agency.tasks.reconcile_unknown_transactions",
        "schedule": 10 * 60,
    },
    # Last month's commission statements, early on the 1st (idempotent: a rerun changes nothing).
    "agency-monthly-statements": {
        "task": "agency.tasks.generate_commission_statements",
        "schedule": crontab(minute=30, hour=2, day_of_month=1),
    },
    # Last month's statements for the member merchants (what the county owes each one).
    "shop-monthly-merchant-statements": {
        "task": "shop.tasks.generate_merchant_statements",
        "schedule": crontab(minute=45, hour=2, day_of_month=1),
    },
    # Merchants due for re-vetting within 30 days get one text message per date (idempotent).
    "shop-merchant-revet-reminders": {
        "task": "shop.tasks.remind_merchants_of_revetting",
        "schedule": crontab(minute=0, hour=9),
    },
    # Care calls: offers left unanswered pass on, late steps alert, check-ins fall due (idempotent; the
    # offer's own countdown task does the hand-on on time, this is the safety net).
    "care-sweep": {
        "task": "care.tasks.care_sweep",
        "schedule": 60,
    },
    # Checkout card attempts paid or started but never placed: refunded or cancelled (idempotent).
    "shop-card-attempts-sweep": {
        "task": "shop.tasks.sweep_abandoned_card_attempts",
        "schedule": 15 * 60,
    },
}

# Backups (core/backup.py, docs/backup.md): `manage.py backup` nightly through Celery beat when a
# passphrase is set (backups are always encrypted with it: keep it apart from the server, in the county's
# safe); `manage.py restore_drill` restores the latest into a fresh database and checks it.
BACKUP_DIR = read("BACKUP_DIR", env.path, BASE_DIR / "var" / "backups", "/srv/cunzhan/backups")
BACKUP_PASSPHRASE = read("BACKUP_PASSPHRASE", env.str, "", "BACKUP_PASSPHRASE=<long random passphrase>")
BACKUP_KEEP_DAILY = read("BACKUP_KEEP_DAILY", env.int, 7, "BACKUP_KEEP_DAILY=7")
BACKUP_KEEP_WEEKLY = read("BACKUP_KEEP_WEEKLY", env.int, 8, "BACKUP_KEEP_WEEKLY=8")

# Certificate PDFs carry an RFC 3161 timestamp from this time-stamping authority (PAdES B-T) when set;
# unset, they are signed without a trusted time (B-B). A TSA that does not answer fails the render, which
# is retried by its task and then shown to the department with a retry button: no certificate is ever
# silently left without the time it was promised.
PDF_TIMESTAMP_URL = read("PDF_TIMESTAMP_URL", env.str, "", "PDF_TIMESTAMP_URL=http://tsa.county.example/tsr")
PDF_TIMESTAMP_TIMEOUT = read("PDF_TIMESTAMP_TIMEOUT", env.int, 10, "PDF_TIMESTAMP_TIMEOUT=10 (seconds)")
# PAdES B-LT: every signed PDF embeds the chains and revocation data of its signer and its TSA (the demo CA's
# CRL and the TSA simulator's are made here). A real TSA's root is read from PDF_TIMESTAMP_TRUST_ROOTS (PEM),
# and its revocation data — like a real county CA's — is fetched over the network when PDF_VALIDATION_FETCH.
# The demo's TSA simulator answers at SITE_URL/sim/tsa/ (ENABLE_SIMULATORS): set PDF_TIMESTAMP_URL to it.
PDF_TIMESTAMP_TRUST_ROOTS = read("PDF_TIMESTAMP_TRUST_ROOTS", env.str, "",
                                 "PDF_TIMESTAMP_TRUST_ROOTS=/etc/cunzhan/tsa-root.pem")
PDF_VALIDATION_FETCH = read("PDF_VALIDATION_FETCH", env.bool, False, "PDF_VALIDATION_FETCH=true")
TSA_SIMULATOR_KEY_DIR = read("TSA_SIMULATOR_KEY_DIR", env.str, str(BASE_DIR / "var" / "tsa_simulator"),
                             "TSA_SIMULATOR_KEY_DIR=var/tsa_simulator")

# Care (医敬Town): minutes a responder has to answer an offer before it passes to the next; the number
# shown on urgent calls.
CARE_OFFER_MINUTES = read("CARE_OFFER_MINUTES", env.int, 5, "CARE_OFFER_MINUTES=5")
CARE_EMERGENCY_NUMBER = read("CARE_EMERGENCY_NUMBER", env.str, "120", "CARE_EMERGENCY_NUMBER=120")

# Stripe: unset keys hide card payment; cash at the counter always works.
STRIPE_SECRET_KEY = read("STRIPE_SECRET_KEY", env.str, "", "sk_test_…")
STRIPE_PUBLISHABLE_KEY = read("STRIPE_PUBLISHABLE_KEY", env.str, "", "pk_test_…")
STRIPE_WEBHOOK_SECRET = read("STRIPE_WEBHOOK_SECRET", env.str, "", "whsec_…")
# A card attempt of the checkout left this long without an order is refunded or cancelled by the sweep
# (the resident may still be on the page until then).
SHOP_CARD_ATTEMPT_GRACE_MINUTES = read("SHOP_CARD_ATTEMPT_GRACE_MINUTES", env.int, 60,
                                       "SHOP_CARD_ATTEMPT_GRACE_MINUTES=60")

# WeChat Pay (API v3) and Alipay (open API, RSA2) — agency/wallets/. Live credentials set → the real
# gateway; unset, with ENABLE_SIMULATORS, the simulator at SITE_URL/sim/… (keys made in WALLET_SIMULATOR_KEY_DIR);
# neither → the wallet is not offered. Notifications come to SITE_URL/shop/payments/<wechat|alipay>/notify/.
WECHATPAY_MCHID = read("WECHATPAY_MCHID", env.str, "", "WECHATPAY_MCHID=1900000109")
WECHATPAY_APPID = read("WECHATPAY_APPID", env.str, "", "WECHATPAY_APPID=wxd678efh567hg6787")
WECHATPAY_CERT_SERIAL_NO = read("WECHATPAY_CERT_SERIAL_NO", env.str, "", "WECHATPAY_CERT_SERIAL_NO=444F4864EA9B3441…")
WECHATPAY_PRIVATE_KEY_PATH = read("WECHATPAY_PRIVATE_KEY_PATH", env.str, "",
                                  "WECHATPAY_PRIVATE_KEY_PATH=/etc/cunzhan/wechatpay/apiclient_key.pem")
WECHATPAY_APIV3_KEY = read("WECHATPAY_APIV3_KEY", env.str, "", "WECHATPAY_APIV3_KEY=<32 characters>")
WECHATPAY_CERT_DIR = read("WECHATPAY_CERT_DIR", env.str, "", "WECHATPAY_CERT_DIR=/var/lib/cunzhan/wechatpay-certs")
WECHATPAY_API_BASE = read("WECHATPAY_API_BASE", env.str, "https://api.mch.weixin.qq.com",
                          "WECHATPAY_API_BASE=https://api.mch.weixin.qq.com")
WECHATPAY_TIMEOUT = (5, read("WECHATPAY_TIMEOUT", env.int, 15, "WECHATPAY_TIMEOUT=15 (seconds to read an answer)"))
ALIPAY_APPID = read("ALIPAY_APPID", env.str, "", "ALIPAY_APPID=2021000000000000")
ALIPAY_APP_PRIVATE_KEY_PATH = read("ALIPAY_APP_PRIVATE_KEY_PATH", env.str, "",
                                   "ALIPAY_APP_PRIVATE_KEY_PATH=/etc/cunzhan/alipay/app_private_key.pem")
ALIPAY_PUBLIC_KEY_PATH = read("ALIPAY_PUBLIC_KEY_PATH", env.str, "",
                              "ALIPAY_PUBLIC_KEY_PATH=/etc/cunzhan/alipay/alipay_public_key.pem")
ALIPAY_GATEWAY = read("ALIPAY_GATEWAY", env.str, "https://openapi.alipay.com/gateway.do",
                      "ALIPAY_GATEWAY=https://openapi-sandbox.dl.alipaydev.com/gateway.do")
ALIPAY_TIMEOUT = read("ALIPAY_TIMEOUT", env.int, 15, "ALIPAY_TIMEOUT=15")
WALLET_SIMULATORS = read("WALLET_SIMULATORS", env.bool, True, "WALLET_SIMULATORS=false")
WALLET_SIMULATOR_KEY_DIR = read("WALLET_SIMULATOR_KEY_DIR", env.str, str(BASE_DIR / "var" / "wallet_simulator"),
                                "WALLET_SIMULATOR_KEY_DIR=var/wallet_simulator")
WALLET_SIMULATOR_NOTIFY_TIMEOUT = 10
WECHATPAY_SIMULATOR_MCHID, WECHATPAY_SIMULATOR_APPID = "1900000109", "wxcz0000simulator"
ALIPAY_SIMULATOR_APPID = "2021000000000001"

# Simulated gateways (the till's provider and card reader, the store's card gateway) and the URLs
# that drive them. On in the demo and the tests; production turns them off unless a pilot asks.
ENABLE_SIMULATORS = read("ENABLE_SIMULATORS", env.bool, True, "ENABLE_SIMULATORS=false")

# Agency (the station till). Provider.adapter names one of these; the simulator is the only one
# until a real provider's API is connected. Amounts in fen.
AGENCY_PROVIDER_ADAPTERS = {
    "simulator": {
        "BACKEND": "agency.providers.simulator.SimulatorAdapter",
        "OPTIONS": {
            "latency_ms": read("AGENCY_SIMULATOR_LATENCY_MS", env.int, 0, "AGENCY_SIMULATOR_LATENCY_MS=300"),
            "decline_rate": read("AGENCY_SIMULATOR_DECLINE_RATE", env.float, 0.0, "AGENCY_SIMULATOR_DECLINE_RATE=0.02"),
            "timeout_rate": read("AGENCY_SIMULATOR_TIMEOUT_RATE", env.float, 0.0, "AGENCY_SIMULATOR_TIMEOUT_RATE=0.01"),
        },
    },
}
# The card reader on the counter (agency/card_terminals/): "" takes cash only; "stripe" is a Stripe
# Terminal reader per station (AGENCY_STRIPE_READERS: station code → reader id); "simulator" a reader in
# this process (the demo's and the tests').
AGENCY_CARD_TERMINAL = read("AGENCY_CARD_TERMINAL", env.str, "stripe" if STRIPE_SECRET_KEY else "",
                            "AGENCY_CARD_TERMINAL=simulator")
AGENCY_CARD_TERMINALS = {
    "simulator": {
        "BACKEND": "agency.card_terminals.simulator.SimulatorTerminal",
        "OPTIONS": {
            "latency_ms": read("AGENCY_CARD_SIMULATOR_LATENCY_MS", env.int, 0, "AGENCY_CARD_SIMULATOR_LATENCY_MS=1500"),
            "decline_rate": read("AGENCY_CARD_SIMULATOR_DECLINE_RATE", env.float, 0.0,
                                 "AGENCY_CARD_SIMULATOR_DECLINE_RATE=0.03"),
            "timeout_rate": read("AGENCY_CARD_SIMULATOR_TIMEOUT_RATE", env.float, 0.0,
                                 "AGENCY_CARD_SIMULATOR_TIMEOUT_RATE=0.01"),
        },
    },
    "stripe": {
        "BACKEND": "agency.card_terminals.stripe_terminal.StripeTerminal",
        "OPTIONS": {"wait_seconds": read("AGENCY_STRIPE_READER_WAIT_SECONDS", env.float, 90.0,
                                         "AGENCY_STRIPE_READER_WAIT_SECONDS=90")},
    },
}
AGENCY_STRIPE_READERS = read("AGENCY_STRIPE_READERS", env.dict, {}, "AGENCY_STRIPE_READERS=ST001=tmr_FDOt2wlRZEdpd7")
AGENCY_LOW_FLOAT_FEN = 50_000  # a new wallet warns below 500 yuan available
AGENCY_REVERSAL_WINDOW_MINUTES = 30  # for government fees, cash sales and order commissions
AGENCY_ORDER_COMMISSION_TAX_BP = 0  # tax withheld on store order commission (basis points)
AGENCY_MAX_COUNTER_AMOUNT_FEN = 5_000_000  # 50,000 yuan: fees and sales recorded for other apps
AGENCY_MAX_TOP_UP_FEN = 20_000_000  # 200,000 yuan per top-up request

# Wagtail
WAGTAIL_SITE_NAME = "村站 Cunzhan"
# The admin calls no third party: no Gravatar avatars (unreachable from China, and a leak of every
# editor's e-mail hash) and no check for new Wagtail releases from the county's offline LAN.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = read("WAGTAILADMIN_BASE_URL", env.str, "http://127.0.0.1:8000", "https://cunzhan.example.cn")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Everyone works on China time: one zone hides the account page's picker of ~600 English zone names.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
# jieba-segmented Chinese on the stock database backend (SQLite FTS5 / PostgreSQL): portal/zh_search.py.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "portal.zh_search"}}
PORTAL_PAGE_CACHE_SECONDS = read("PORTAL_PAGE_CACHE_SECONDS", env.int, 600, "PORTAL_PAGE_CACHE_SECONDS=600")
# The store pages and their personal regions (shop/page_cache.py); 0 keeps nothing (every page rendered).
SHOP_PAGE_CACHE_SECONDS = read("SHOP_PAGE_CACHE_SECONDS", env.int, 300, "SHOP_PAGE_CACHE_SECONDS=300")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx", "zip"]
# Editors' uploads pass the same content checks as everyone's (portal/forms.py), documents are
# downloaded rather than opened in the browser, and images keep to our pixel limit.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "portal.forms.CheckedDocumentForm"
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILIMAGES_IMAGE_FORM_BASE = "portal.forms.CheckedImageForm"
WAGTAILIMAGES_MAX_IMAGE_PIXELS = UPLOAD_MAX_IMAGE_PIXELS

# Oscar
OSCAR_SHOP_NAME = _("Village station store")
OSCAR_SLUG_ALLOW_UNICODE = True
OSCAR_DEFAULT_CURRENCY = "CNY"
OSCAR_CURRENCY_FORMAT = {"CNY": {"format": "¥#,##0.00"}}
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"

# Logs: one JSON object a line on stderr (journald keeps them), every line of a request or of the Celery
# task it started carrying the same request_id (django-structlog; nginx's X-Request-ID when it sends one).
# LOG_FORMAT=console for a person reading a terminal. core/logging.py binds the client's address.
LOG_FORMAT = read("LOG_FORMAT", env.str, "json", "LOG_FORMAT=json (or console)")
if LOG_FORMAT not in ("json", "console"):
    fail("LOG_FORMAT", f"is {LOG_FORMAT!r}; it must be json or console")
_LOG_PRE_CHAIN = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.stdlib.ExtraAdder(),
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": structlog.stdlib.ProcessorFormatter, "foreign_pre_chain": _LOG_PRE_CHAIN,
                 "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                                structlog.processors.format_exc_info,
                                structlog.processors.JSONRenderer(ensure_ascii=False)]},
        "console": {"()": structlog.stdlib.ProcessorFormatter, "foreign_pre_chain": _LOG_PRE_CHAIN,
                    "processors": [structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                                   structlog.dev.ConsoleRenderer(colors=False)]},
    },
    "filters": {"offline_validation_notice": {"()": "core.log_filters.OfflineValidationNotice"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": read("LOG_LEVEL", env.str, "INFO", "LOG_LEVEL=WARNING")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "jieba": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},  # Wagtail's inline index/reference tasks
        "wagtail": {"level": "WARNING"},
        "oscar.alerts": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # each failure is a warning; lock-outs are audit events too
        "pyhanko.sign.signers.pdf_signer": {"filters": ["offline_validation_notice"]},
    },
}
structlog.configure(
    processors=[
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.filter_by_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.StackInfoRenderer(),
        structlog.processors.UnicodeDecoder(),
        structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
    ],
    logger_factory=structlog.stdlib.LoggerFactory(),
    cache_logger_on_first_use=True,
)
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# The address comes from core.http.client_address (TRUSTED_PROXIES), not ipware: core/logging.py binds it.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False
# nginx sets X-Request-ID itself (docs/deploy/nginx.conf); gunicorn listens on loopback only.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True

# Health details and /metrics: from these networks (Prometheus, the IT office), or the system admin.
OPS_ALLOWED_NETWORKS = read("OPS_ALLOWED_NETWORKS", networks, ["127.0.0.1", "::1"],
                            "OPS_ALLOWED_NETWORKS=127.0.0.1,10.0.0.0/24")

# Errors to a Sentry-compatible service (Sentry, GlitchTip) only when a DSN is set; nothing leaves otherwise.
SENTRY_DSN = read("SENTRY_DSN", env.str, "", "SENTRY_DSN=https://key@sentry.example.cn/2")
if SENTRY_DSN:
    from core.error_reporting import sentry_init

    sentry_init(dsn=SENTRY_DSN, environment=read("SENTRY_ENVIRONMENT", env.str, "production", "SENTRY_ENVIRONMENT=production"))

if SECRET_KEY == "":
    fail("SECRET_KEY", "is empty")
