"""The region tree in the back office. Included from stations/urls.py under "county/regions/", inside the
stations namespace (so the names below are stations:region-list …)."""

from django.urls import path

from stations import views_regions as views

urlpatterns = [
    path("", views.RegionListView.as_view(), name="region-list"),
    path("import/", views.RegionImportView.as_view(), name="region-import"),
    path("import/jobs/<int:pk>/", views.RegionImportJobStatusView.as_view(), name="region-import-job"),
    path("import/jobs/<int:pk>/apply/", views.RegionImportApplyView.as_view(), name="region-import-apply"),
    path("export/<str:fmt>/", views.RegionExportView.as_view(), name="region-export"),
    path("<int:pk>/", views.RegionDetailView.as_view(), name="region-detail"),
    path("<int:pk>/rename/", views.RegionRenameView.as_view(), name="region-rename"),
    path("<int:pk>/villages/new/", views.RegionVillageCreateView.as_view(), name="region-village-create"),
    path("<int:pk>/merge/", views.RegionMergeView.as_view(), name="region-merge"),
]
