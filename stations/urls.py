from django.urls import include, path

from stations import views, views_counties

app_name = "stations"

urlpatterns = [
    path("counter/", views.CounterHomeView.as_view(), name="counter-home"),
    path("county/", views.CountyHomeView.as_view(), name="county-home"),
    path("county/stations/", views.StationListView.as_view(), name="station-list"),
    path("county/stations/<int:pk>/", views.StationDetailView.as_view(), name="station-detail"),
    path("county/stations/<int:pk>/status/", views.StationStatusChangeView.as_view(), name="station-status"),
    path("county/stations/<int:pk>/staff/", views.StationStaffAddView.as_view(), name="station-staff-add"),
    path("county/stations/<int:pk>/staff/<int:assignment_id>/end/", views.StationStaffEndView.as_view(),
         name="station-staff-end"),
    path("county/counties/", views_counties.CountyListView.as_view(), name="county-list"),
    path("county/counties/new/", views_counties.CountyOpenView.as_view(), name="county-open"),
    path("county/regions/", include("stations.urls_regions")),
    path("", include("stations.urls_households")),
    path("", include("stations.urls_setup_stations")),
    path("", include("stations.urls_map")),
]
