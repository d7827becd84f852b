"""GeoReport v2 at /open311/v2/ (config/urls.py), namespace "open311"; the format is the extension."""

from django.urls import re_path

from gov_services.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="service-list"),
    re_path(r"^services/(?P<service_code>[^/]+?)" + FMT, views.service_definition_detail, name="service-definition"),
    re_path(r"^requests" + FMT, views.requests_collection, name="request-list"),
    re_path(r"^requests/(?P<service_request_id>[^/]+?)" + FMT, views.request_detail, name="request-detail"),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, views.token_detail, name="token-detail"),
]
