from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config.api import api
from portal.cms_ids import guard_id_lists

handler400 = "core.http.bad_request"

urlpatterns = [
    path("", include("core.urls_ops")),  # /healthz, /readyz, /metrics (core/health.py, core/metrics.py)
    path("", include("core.urls_sms")),  # /sms/receipts/<provider>/<token>/ (core/sms_receipts.py)
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("cms/", include(guard_id_lists(wagtailadmin_urls.urlpatterns))),
    path("documents/", include(wagtaildocs_urls)),
    path("shop/", include(apps.get_app_config("oscar").urls[0])),
    path("api/", api.urls),
    path("open311/v2/", include("gov_services.open311.urls")),
    path("", include("accounts.urls")),
    path("", include("stations.urls")),
    path("", include("gov_services.urls")),
    path("", include("agency.urls")),
    path("", include("shop.urls")),
    path("", include("care.urls")),
    path("", include("reports.urls")),
    path("", include("visits.urls")),
    path("", include("portal.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path, so it comes last.
urlpatterns.append(path("", include(wagtail_urls)))
