"""The service catalogue in the back office. Included from gov_services/urls.py under "county/catalogue/",
inside the gov_services namespace (so the names below are gov_services:service-item-list …)."""

from django.urls import path

from gov_services.catalogue import views

urlpatterns = [
    path("", views.ServiceItemListView.as_view(), name="service-item-list"),
    path("new/", views.ServiceItemCreateView.as_view(), name="service-item-create"),
    path("import/", views.CatalogueImportView.as_view(), name="catalogue-import"),
    path("import/jobs/<int:pk>/", views.CatalogueImportJobView.as_view(), name="catalogue-import-job"),
    path("export/<str:fmt>/", views.CatalogueExportView.as_view(), name="catalogue-export"),
    path("<int:pk>/", views.ServiceItemDetailView.as_view(), name="service-item-detail"),
    path("<int:pk>/steps/", views.ServiceItemStepsView.as_view(), name="service-item-steps"),
    path("<int:pk>/edit/", views.ServiceItemUpdateView.as_view(), name="service-item-update"),
]
