"""The demo's settings served as production serves them for the page-weight bench: HTML gzip-compressed
(as the TLS terminator does in production), static files collected with their .gz copies and served
by WhiteNoise, product pictures from MEDIA_ROOT (benches/store_front/wsgi.py)."""

from config.settings.local import *  # noqa: F403
from config.settings.local import BASE_DIR, MIDDLEWARE

STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]
