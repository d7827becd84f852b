"""The department workspace (/dept/) and the admins' request list (/county/requests/), where admins
also log appeals that came in by phone or WeChat."""

from django.urls import path

from gov_services import views_dept as views
from gov_services.views_dept_fees import DepartmentFeeStatementView
from gov_services.views_intake import RelayedAppealCreateView

urlpatterns = [
    path("dept/", views.DepartmentHomeView.as_view(), name="dept-home"),
    path("dept/views/", views.SavedQueueViewCreateView.as_view(), name="dept-view-create"),
    path("dept/views/<int:pk>/delete/", views.SavedQueueViewDeleteView.as_view(), name="dept-view-delete"),
    path("dept/bulk-assign/", views.DepartmentBulkAssignView.as_view(), name="dept-bulk-assign"),
    path("dept/fees/", DepartmentFeeStatementView.as_view(), name="dept-fees"),
    path("dept/requests/<int:pk>/", views.DepartmentRequestDetailView.as_view(), name="dept-request-detail"),
    path("dept/requests/<int:pk>/actions/", views.DepartmentRequestActionView.as_view(),
         name="dept-request-action"),
    path("dept/requests/<int:pk>/rating-appeal/", views.DepartmentRatingAppealView.as_view(),
         name="dept-rating-appeal"),
    path("dept/requests/<int:pk>/signature/", views.RequestSignatureView.as_view(), name="request-signature"),
    path("dept/attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="request-attachment"),
    path("dept/attachments/<int:pk>/pages/", views.AttachmentPageView.as_view(), name="request-attachment-page"),
    path("county/requests/", views.CountyRequestListView.as_view(), name="county-request-list"),
    path("county/requests/new/", RelayedAppealCreateView.as_view(), name="county-appeal-create"),
    path("county/requests/<int:pk>/", views.CountyRequestDetailView.as_view(), name="county-request-detail"),
    path("county/requests/<int:pk>/actions/", views.CountyRequestActionView.as_view(),
         name="county-request-action"),
]
