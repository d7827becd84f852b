"""Setting up stations, in the stations namespace: included from stations/urls.py."""

from django.urls import path

from stations import views_setup

urlpatterns = [
    path("county/stations/new/", views_setup.StationCreateView.as_view(), name="station-create"),
    path("county/stations/import/", views_setup.StationImportView.as_view(), name="station-import"),
    path("county/stations/<int:pk>/edit/", views_setup.StationUpdateView.as_view(), name="station-update"),
]
