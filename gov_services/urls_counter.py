"""The operator's request pages inside the counter workspace (/counter/requests/ …).

Included from gov_services/urls.py at the site root, inside the gov_services namespace.
"""

from django.urls import path

from gov_services import views_counter as views
from gov_services import views_offline

urlpatterns = [
    path("counter/requests/", views.CounterRequestListView.as_view(), name="counter-ledger"),
    path("counter/requests/export.xlsx", views.CounterRequestExportView.as_view(), name="counter-ledger-export"),
    path("counter/requests/new/", views.CounterItemSearchView.as_view(), name="counter-request-create"),
    path("counter/requests/new/<int:item_id>/", views.CounterApplicationCreateView.as_view(),
         name="counter-application-create"),
    path("counter/requests/<int:pk>/", views.CounterRequestDetailView.as_view(), name="counter-request-detail"),
    path("counter/requests/<int:pk>/supplement/", views.CounterRequestSupplementView.as_view(),
         name="counter-request-supplement"),
    path("counter/requests/<int:pk>/fee/", views.CounterRequestFeeView.as_view(), name="counter-request-fee"),
    path("counter/requests/<int:pk>/receipt/", views.CounterRequestReceiptView.as_view(),
         name="counter-request-receipt"),
    path("counter/appeals/new/", views.CounterAppealCreateView.as_view(), name="counter-appeal-create"),
    path("counter/consent-code/", views.CounterConsentCodeSendView.as_view(), name="counter-consent-code-send"),
    path("counter/drafts/scans/<int:pk>/", views.CounterDraftScanView.as_view(), name="counter-draft-scan"),
    path("counter/drafts/<int:pk>/discard/", views.CounterDraftDiscardView.as_view(), name="counter-draft-discard"),
    path("counter/attachments/<int:pk>/", views.CounterAttachmentDownloadView.as_view(),
         name="counter-attachment-download"),
]

urlpatterns += [
    path("counter/offline/apply/", views_offline.OfflineApplyView.as_view(), name="offline-apply"),
    path("counter/offline/catalogue.json", views_offline.OfflineCatalogueView.as_view(), name="offline-catalogue"),
]
