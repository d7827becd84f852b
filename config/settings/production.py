"""Production: PostgreSQL, Redis broker and cache, secrets from the environment.

Several gunicorn and Celery processes share nothing but the database and the broker.
"""

import base64

from config.env import required

from .base import *  # noqa: F403
from .base import (
    AGENCY_CARD_TERMINAL,
    AGENCY_CARD_TERMINALS,
    AGENCY_PROVIDER_ADAPTERS,
    DATABASES,
    DEVELOPMENT_FILE_MASTER_KEYS,
    DEVELOPMENT_SECRET_KEY,
    FILE_MASTER_KEYS,
    MIDDLEWARE,
    SMS_BACKEND,
    env,
    fail,
    read,
)

DEBUG = False
DEMO_SEED_ALLOWED = False
NEW_KEY = "generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
SECRET_KEY = required("SECRET_KEY", "<50 random characters>")
if SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    fail("SECRET_KEY", f"is the development key published in the source code; {NEW_KEY}")
if len(SECRET_KEY) < 50:
    fail("SECRET_KEY", f"is {len(SECRET_KEY)} characters long; production needs at least 50, {NEW_KEY}")
if len(set(SECRET_KEY)) < 5:
    fail("SECRET_KEY", f"has only {len(set(SECRET_KEY))} different characters; it must be random, {NEW_KEY}")
required("FILE_MASTER_KEYS", "k2026:<base64 of 32 random bytes>")
if set(FILE_MASTER_KEYS.values()) & {base64.b64decode(DEVELOPMENT_FILE_MASTER_KEYS.split(":", 1)[1])}:
    fail("FILE_MASTER_KEYS", "holds the development key published in the source code; make one with: python3 -c "
         "'import os,base64; print(base64.b64encode(os.urandom(32)).decode())'")
ALLOWED_HOSTS = read("ALLOWED_HOSTS", env.list, [], "ALLOWED_HOSTS=cunzhan.example.cn")
if not ALLOWED_HOSTS:
    fail("ALLOWED_HOSTS", "must list the host names this site answers to, e.g. ALLOWED_HOSTS=cunzhan.example.cn")
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    fail("DATABASE_URL", "must point at PostgreSQL in production, e.g. postgres://cunzhan@127.0.0.1:5432/cunzhan")

# Simulators move no real money and answer what they are told. Off unless a pilot turns them on: then
# their URLs are not routed (shop/urls.py) and no adapter or card reader can name them.
ENABLE_SIMULATORS = read("ENABLE_SIMULATORS", env.bool, False, "ENABLE_SIMULATORS=true (a pilot only)")
SHOP_CARD_SIMULATOR = ENABLE_SIMULATORS
WECHAT_SIMULATOR = ENABLE_SIMULATORS
# A real TSA's (and CA's) revocation data is fetched while signing, so that every PDF is B-LT.
PDF_VALIDATION_FETCH = read("PDF_VALIDATION_FETCH", env.bool, True, "PDF_VALIDATION_FETCH=true")
WECHAT_MEDIA_SOURCE = read("WECHAT_MEDIA_SOURCE", env.str, "http", "WECHAT_MEDIA_SOURCE=http") if ENABLE_SIMULATORS else "http"
if not ENABLE_SIMULATORS:
    if AGENCY_CARD_TERMINAL == "simulator":
        fail("AGENCY_CARD_TERMINAL", "is the simulator, which production refuses; use stripe (or leave it empty "
             "for cash only), or set ENABLE_SIMULATORS=true for a pilot")
    _sms_endpoint = {"AliyunSmsBackend": "SMS_ALIYUN_ENDPOINT",
                     "TencentSmsBackend": "SMS_TENCENT_ENDPOINT"}.get(SMS_BACKEND.rsplit(".", 1)[-1])
    if _sms_endpoint and globals()[_sms_endpoint] == "simulator":
        fail(_sms_endpoint, "is the SMS gateway simulator, which production refuses; use the provider's endpoint, "
             "or set ENABLE_SIMULATORS=true for a pilot")
    AGENCY_PROVIDER_ADAPTERS = {k: v for k, v in AGENCY_PROVIDER_ADAPTERS.items() if k != "simulator"}
    AGENCY_CARD_TERMINALS = {k: v for k, v in AGENCY_CARD_TERMINALS.items() if k != "simulator"}

CACHES = {"default": read("CACHE_URL", env.cache_url, "redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379/1")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A Redis outage is a cache miss, not a failed page (core/cache.py); a hung Redis costs at most a second.
    CACHES["default"]["BACKEND"] = "core.cache.TolerantRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 0.5, "socket_timeout": 1})
SESSION_ENGINE = read("SESSION_ENGINE", env.str, "django.contrib.sessions.backends.cached_db",
                      "SESSION_ENGINE=django.contrib.sessions.backends.cached_db")

# WhiteNoise serves the collected, hashed static files from every web process (no CDN).
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes on the machine itself speak plain HTTP to gunicorn's port (docs/deploy/).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_SSL_REDIRECT = read("SECURE_SSL_REDIRECT", env.bool, True, "SECURE_SSL_REDIRECT=true")
SECURE_HSTS_SECONDS = read("SECURE_HSTS_SECONDS", env.int, 60 * 60 * 24 * 365, "SECURE_HSTS_SECONDS=31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Behind a TLS terminator cookies travel over HTTPS only; a local run over plain HTTP
# (scripts/run-production.sh) turns both off with SECURE_SSL_REDIRECT=false.
SESSION_COOKIE_SECURE = SECURE_SSL_REDIRECT
CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows our own pages in a same-origin frame, so DENY would break it.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
