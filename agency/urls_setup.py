"""The till's set-up in the back office, included from agency/urls.py under "county/till-setup/" (names in
the agency namespace: agency:setup-home …)."""

from django.urls import path

from agency import views_setup as views

urlpatterns = [
    path("", views.SetupHomeView.as_view(), name="setup-home"),
    path("providers/new/", views.ProviderCreateView.as_view(), name="setup-provider-create"),
    path("providers/<int:pk>/", views.ProviderUpdateView.as_view(), name="setup-provider-edit"),
    path("products/", views.SetupProductListView.as_view(), name="setup-product-list"),
    path("products/new/", views.ProductCreateView.as_view(), name="setup-product-create"),
    path("products/<int:pk>/", views.ProductUpdateView.as_view(), name="setup-product-edit"),
    path("plans/new/", views.PlanCreateView.as_view(), name="setup-plan-create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="setup-plan-detail"),
    path("plans/<int:pk>/versions/new/", views.PlanVersionCreateView.as_view(), name="setup-plan-version-create"),
    path("plans/<int:pk>/versions/<int:version_id>/withdraw/", views.PlanVersionWithdrawView.as_view(),
         name="setup-plan-version-withdraw"),
    path("import/<str:kind>/", views.SetupImportView.as_view(), name="setup-import"),
    path("import/<str:kind>/jobs/<int:pk>/", views.SetupImportJobStatusView.as_view(), name="setup-import-job"),
    path("export/<str:kind>.<str:fmt>", views.SetupExportView.as_view(), name="setup-export"),
]
