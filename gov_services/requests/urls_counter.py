"""The operator's request pages inside the counter workspace (/counter/requests/ …).

Included from gov_services/urls.py at the site root, inside the gov_services namespace.
"""

from django.urls import path

from gov_services.requests import views_counter_filing as filing_views
from gov_services.requests import views_counter_requests as request_views
from gov_services.requests import views_offline

urlpatterns = [
    path("counter/requests/", request_views.CounterRequestListView.as_view(), name="counter-ledger"),
    path("counter/requests/export.xlsx", request_views.CounterRequestExportView.as_view(),
         name="counter-ledger-export"),
    path("counter/requests/new/", filing_views.CounterItemSearchView.as_view(), name="counter-request-create"),
    path("counter/requests/new/<int:item_id>/", filing_views.CounterApplicationCreateView.as_view(),
         name="counter-application-create"),
    path("counter/requests/<int:pk>/", request_views.CounterRequestDetailView.as_view(),
         name="counter-request-detail"),
    path("counter/requests/<int:pk>/supplement/", request_views.CounterRequestSupplementView.as_view(),
         name="counter-request-supplement"),
    path("counter/requests/<int:pk>/fee/", request_views.CounterRequestFeeView.as_view(), name="counter-request-fee"),
    path("counter/requests/<int:pk>/receipt/", request_views.CounterRequestReceiptView.as_view(),
         name="counter-request-receipt"),
    path("counter/appeals/new/", filing_views.CounterAppealCreateView.as_view(), name="counter-appeal-create"),
    path("counter/consent-code/", filing_views.CounterConsentCodeSendView.as_view(),
         name="counter-consent-code-send"),
    path("counter/drafts/scans/<int:pk>/", filing_views.CounterDraftScanView.as_view(), name="counter-draft-scan"),
    path("counter/drafts/<int:pk>/discard/", filing_views.CounterDraftDiscardView.as_view(),
         name="counter-draft-discard"),
    path("counter/attachments/<int:pk>/", request_views.CounterAttachmentDownloadView.as_view(),
         name="counter-attachment-download"),
]

urlpatterns += [
    path("counter/offline/apply/", views_offline.OfflineApplyView.as_view(), name="offline-apply"),
    path("counter/offline/catalogue.json", views_offline.OfflineCatalogueView.as_view(), name="offline-catalogue"),
]
