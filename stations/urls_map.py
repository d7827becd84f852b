"""The county map's back-office pages. Included from stations/urls.py inside the stations namespace."""

from django.urls import path

from stations import views_map as views

urlpatterns = [
    path("county/regions/outlines/", views.TownshipOutlineView.as_view(), name="township-outlines"),
    path("county/stations/<int:pk>/location/", views.StationLocationView.as_view(), name="station-location"),
]
