"""Grids and households (views_households.py), in the stations namespace: the back office's grid overview,
set-up and import under /county/, a grid's and a household's pages for its station's staff and the
region's admins under /grids/ and /households/."""

from django.urls import path

from stations import views_households as views

urlpatterns = [
    path("county/grids/", views.GridListView.as_view(), name="grid-list"),
    path("county/grids/new/", views.GridCreateView.as_view(), name="grid-create"),
    path("county/grids/<int:pk>/liaison/", views.GridLiaisonChangeView.as_view(), name="grid-liaison"),
    path("county/households/import/", views.HouseholdImportView.as_view(), name="household-import"),
    path("county/households/import/jobs/<int:pk>/", views.HouseholdImportJobStatusView.as_view(),
         name="household-import-job"),
    path("county/households/import/jobs/<int:pk>/apply/", views.HouseholdImportApplyView.as_view(),
         name="household-import-apply"),
    path("grids/<int:pk>/", views.GridDetailView.as_view(), name="grid-detail"),
    path("grids/<int:pk>/households/new/", views.HouseholdCreateView.as_view(), name="household-create"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household-detail"),
    path("households/<int:pk>/edit/", views.HouseholdUpdateView.as_view(), name="household-update"),
    path("households/<int:pk>/left/", views.HouseholdLeftView.as_view(), name="household-left"),
]
