"""Django behind WhiteNoise for the static files (their .gz copies when the browser accepts gzip) and the
media files (product pictures and their thumbnails, looked up on each request: thumbnails are made as pages
render)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from whitenoise import WhiteNoise

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benches.store_front.settings")

application = WhiteNoise(
    get_wsgi_application(), root=settings.STATIC_ROOT, prefix=settings.STATIC_URL, autorefresh=True
)
application.add_files(settings.MEDIA_ROOT, prefix=settings.MEDIA_URL)
