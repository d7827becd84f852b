"""Settings shared by every environment.

Everything that differs between a laptop demo and a county deployment comes from the
environment (see config/env.py); with nothing set the project runs embedded: SQLite,
eager Celery, local-memory cache, console SMS.

The larger topics have modules of their own, imported here whole, so that `from .base import *`
(local, test, production) still gets every setting: databases, security, store (Oscar), payments,
tasks (Celery and its beat schedule) and observability (logs, metrics access, error reports).
"""

from config.env import BASE_DIR, env, fail, networks, read

from .databases import *  # noqa: F403
from .observability import *  # noqa: F403
from .payments import *  # noqa: F403
from .security import *  # noqa: F403
from .store import *  # noqa: F403  Oscar's defaults, ours over them
from .store import OSCAR_APPS
from .tasks import *  # noqa: F403

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

INSTALLED_APPS = [
    *OUR_APPS,
    *WAGTAIL_APPS,
    *OSCAR_APPS,
    "django_celery_beat",
    "ninja",  # its Swagger UI files are served locally only when installed as an app
    "csp",
    "config.admin.CunzhanAdminConfig",  # Django's admin without the store's models (shop/admin.py)
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
    "django_structlog",  # JSON logs with a request id, carried into Celery tasks (LOGGING: observability.py)
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

# The back office's navigation, declared in config and rendered by stations (stations/navigation.py).
COUNTY_NAVIGATION = "config.navigation.COUNTY_NAVIGATION"
MERCHANT_NAVIGATION = "config.navigation.MERCHANT_NAVIGATION"
OFFLINE_COUNTER = "config.offline"  # what the counter does offline and who handles it at sync

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# locale/ is ours (makemessages writes it); locale_vendor/ fills the gaps in Wagtail's and
# Oscar's own zh_Hans catalogues. The first path wins, so ours overrides the vendor fill.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Beat's crontabs (config/settings/tasks.py) run on the county's clock.
CELERY_TIMEZONE = TIME_ZONE

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "var" / "media"
PRIVATE_MEDIA_ROOT = read("PRIVATE_MEDIA_ROOT", env.path, BASE_DIR / "var" / "private", "/srv/cunzhan/private")
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

# Care (医敬Town): minutes a responder has to answer an offer before it passes to the next; the number
# shown on urgent calls.
CARE_OFFER_MINUTES = read("CARE_OFFER_MINUTES", env.int, 5, "CARE_OFFER_MINUTES=5")
CARE_EMERGENCY_NUMBER = read("CARE_EMERGENCY_NUMBER", env.str, "120", "CARE_EMERGENCY_NUMBER=120")

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

if SECRET_KEY == "":
    fail("SECRET_KEY", "is empty")
