from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("counter/visits/", views.VisitFindView.as_view(), name="visit-find"),
    path("counter/visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit-detail"),
    path("counter/visits/<int:pk>/close/", views.VisitCloseView.as_view(), name="visit-close"),
    path("counter/visits/<int:pk>/receipt/", views.VisitReceiptPrintView.as_view(), name="visit-receipt-print"),
    path("counter/visits/<int:pk>/receipt/<int:copy>/", views.VisitReceiptView.as_view(), name="visit-receipt"),
    path("counter/visits/<int:pk>/receipt/<int:copy>.pdf", views.VisitReceiptPdfView.as_view(),
         name="visit-receipt-pdf"),
]
