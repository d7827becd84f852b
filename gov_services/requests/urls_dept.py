"""The department workspace (/dept/) and the admins' request list (/county/requests/), where admins
also log appeals that came in by phone or WeChat."""

from django.urls import path

from gov_services.requests.views_dept import (
    county_requests,
    queue,
    request_actions,
    request_files,
    request_page,
)
from gov_services.requests.views_dept.fees import DepartmentFeeStatementView
from gov_services.requests.views_intake import RelayedAppealCreateView

urlpatterns = [
    path("dept/", queue.DepartmentHomeView.as_view(), name="dept-home"),
    path("dept/views/", queue.SavedQueueViewCreateView.as_view(), name="dept-view-create"),
    path("dept/views/<int:pk>/delete/", queue.SavedQueueViewDeleteView.as_view(), name="dept-view-delete"),
    path("dept/bulk-assign/", queue.DepartmentBulkAssignView.as_view(), name="dept-bulk-assign"),
    path("dept/fees/", DepartmentFeeStatementView.as_view(), name="dept-fees"),
    path("dept/requests/<int:pk>/", request_page.DepartmentRequestDetailView.as_view(), name="dept-request-detail"),
    path("dept/requests/<int:pk>/actions/", request_actions.DepartmentRequestActionView.as_view(),
         name="dept-request-action"),
    path("dept/requests/<int:pk>/rating-appeal/", request_actions.DepartmentRatingAppealView.as_view(),
         name="dept-rating-appeal"),
    path("dept/requests/<int:pk>/signature/", request_files.RequestSignatureView.as_view(), name="request-signature"),
    path("dept/attachments/<int:pk>/", request_files.AttachmentDownloadView.as_view(), name="request-attachment"),
    path("dept/attachments/<int:pk>/pages/", request_files.AttachmentPageView.as_view(), name="request-attachment-page"),
    path("county/requests/", county_requests.CountyRequestListView.as_view(), name="county-request-list"),
    path("county/requests/new/", RelayedAppealCreateView.as_view(), name="county-appeal-create"),
    path("county/requests/<int:pk>/", request_page.CountyRequestDetailView.as_view(), name="county-request-detail"),
    path("county/requests/<int:pk>/actions/", request_actions.CountyRequestActionView.as_view(),
         name="county-request-action"),
]
