from django.urls import path

from reports import views, views_care, views_commissions, views_public

app_name = "reports"

urlpatterns = [
    # The public site's performance figures (linked from the site footer and the portal's sitemap).
    path("performance/", views_public.PublicPerformanceView.as_view(), name="public-performance"),
    path("county/reports/", views.GovKpiReportView.as_view(), name="gov-kpis"),
    path("county/reports/requests/", views.RequestAnalyticsView.as_view(), name="request-analytics"),
    path("county/reports/officers/", views.OfficerFiguresView.as_view(), name="officer-figures"),
    path("county/reports/commissions/", views_commissions.CommissionReportView.as_view(), name="commissions"),
    path("county/reports/commissions/transactions/", views_commissions.CommissionTransactionListView.as_view(),
         name="commission-transactions"),
    path("county/reports/shop-sales/", views_commissions.ShopSalesReportView.as_view(), name="shop-sales"),
    path("county/reports/care/", views_care.CareFiguresView.as_view(), name="care-figures"),
    path("county/reports/jobs/", views.ReportJobCreateView.as_view(), name="job-create"),
    path("county/reports/jobs/<int:pk>/", views.ReportJobDetailView.as_view(), name="job-detail"),
    path("county/reports/jobs/<int:pk>/status/", views.ReportJobStatusView.as_view(), name="job-status"),
    path("county/reports/jobs/<int:pk>/download/", views.ReportJobDownloadView.as_view(), name="job-download"),
]
