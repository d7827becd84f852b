"""Residents' own reports: reporting, the public list/map/page, following, adding information, and the
department's public reply. Paths are written out from the site root (gov_services namespace)."""

from django.urls import path

from gov_services.requests import views_reports as views

urlpatterns = [
    path("reports/", views.PublicReportListView.as_view(), name="report-list"),
    path("reports/map/", views.PublicReportMapView.as_view(), name="report-map"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report-create"),
    path("reports/nearby/", views.ReportNearbyView.as_view(), name="report-nearby"),
    path("reports/<int:pk>/", views.PublicReportDetailView.as_view(), name="report-detail"),
    path("reports/<int:pk>/follow/", views.ReportFollowView.as_view(), name="report-follow"),
    path("reports/photos/<int:pk>/", views.PublicReportPhotoView.as_view(), name="report-photo"),
    path("me/requests/<int:pk>/add-information/", views.ReportAddInformationView.as_view(),
         name="resident-report-add-information"),
    path("dept/requests/<int:pk>/public-reply/", views.DepartmentPublicReplyView.as_view(),
         name="dept-public-reply"),
]
