"""All gov_services pages, in the gov_services namespace. Each screen family has its own module; the feature
packages (catalogue, requests, supervision, certificates, channels) hold theirs, the county set-up's
(urls_settings, urls_setup, urls_notifications) are here. Paths included at "" are written out from the site
root."""

from django.urls import include, path

app_name = "gov_services"

urlpatterns = [
    path("county/catalogue/", include("gov_services.catalogue.urls")),
    path("", include("gov_services.requests.urls_counter")),
    path("", include("gov_services.requests.urls_dept")),
    path("", include("gov_services.requests.urls_resident")),
    path("", include("gov_services.requests.urls_reports")),
    path("", include("gov_services.urls_settings")),
    path("", include("gov_services.supervision.urls")),
    path("", include("gov_services.certificates.urls")),
    path("", include("gov_services.urls_notifications")),
    path("", include("gov_services.urls_setup")),
    path("", include("gov_services.channels.urls")),
]
