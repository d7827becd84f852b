"""The resident's side: online applications, my requests, public tracking and rating.

Included at the site root inside the gov_services namespace, so the paths are written in full
and the names are gov_services:<name>.
"""

from django.urls import path

from gov_services.catalogue import views_resident as catalogue_views
from gov_services.requests import views_resident_apply as apply_views
from gov_services.requests import views_resident_requests as request_views
from gov_services.requests import views_track as track_views

urlpatterns = [
    path("services/", catalogue_views.ServiceItemBrowseView.as_view(), name="resident-service-item-list"),
    path("services/<str:code>/", catalogue_views.ServiceItemGuideView.as_view(),
         name="resident-service-item-detail"),
    path("services/<str:code>/apply/", apply_views.ServiceRequestApplyView.as_view(),
         name="resident-service-request-create"),
    path("me/drafts/<int:pk>/discard/", apply_views.ResidentDraftDiscardView.as_view(),
         name="resident-draft-discard"),
    path("me/requests/", request_views.ResidentServiceRequestListView.as_view(),
         name="resident-service-request-list"),
    path("me/requests/<int:pk>/", request_views.ResidentServiceRequestDetailView.as_view(),
         name="resident-service-request-detail"),
    path("me/requests/<int:pk>/resubmit/", request_views.ServiceRequestResubmitView.as_view(),
         name="resident-service-request-resubmit"),
    path("me/requests/<int:pk>/rate/", request_views.ServiceRequestRateView.as_view(),
         name="resident-service-request-rate"),
    path("me/requests/<int:pk>/rerate/", request_views.ServiceRequestRerateView.as_view(),
         name="resident-service-request-rerate"),
    path("track/", track_views.ServiceRequestTrackView.as_view(), name="track"),
    path("track/rate/", track_views.ServiceRequestTrackRateView.as_view(), name="track-rate"),
    path("track/rerate/", track_views.ServiceRequestTrackRerateView.as_view(), name="track-rerate"),
]
