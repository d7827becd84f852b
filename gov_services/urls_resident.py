"""The resident's side: online applications, my requests, public tracking and rating.

Included at the site root inside the gov_services namespace, so the paths are written in full
and the names are gov_services:<name>.
"""

from django.urls import path

from gov_services import views_resident as views

urlpatterns = [
    path("services/", views.ServiceItemBrowseView.as_view(), name="resident-service-item-list"),
    path("services/<str:code>/", views.ServiceItemGuideView.as_view(), name="resident-service-item-detail"),
    path("services/<str:code>/apply/", views.ServiceRequestApplyView.as_view(),
         name="resident-service-request-create"),
    path("me/drafts/<int:pk>/discard/", views.ResidentDraftDiscardView.as_view(), name="resident-draft-discard"),
    path("me/requests/", views.ResidentServiceRequestListView.as_view(), name="resident-service-request-list"),
    path("me/requests/<int:pk>/", views.ResidentServiceRequestDetailView.as_view(),
         name="resident-service-request-detail"),
    path("me/requests/<int:pk>/resubmit/", views.ServiceRequestResubmitView.as_view(),
         name="resident-service-request-resubmit"),
    path("me/requests/<int:pk>/rate/", views.ServiceRequestRateView.as_view(), name="resident-service-request-rate"),
    path("me/requests/<int:pk>/rerate/", views.ServiceRequestRerateView.as_view(),
         name="resident-service-request-rerate"),
    path("track/", views.ServiceRequestTrackView.as_view(), name="track"),
    path("track/rate/", views.ServiceRequestTrackRateView.as_view(), name="track-rate"),
    path("track/rerate/", views.ServiceRequestTrackRerateView.as_view(), name="track-rerate"),
]
