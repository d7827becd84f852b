"""The department workspace's views live in gov_services/views_dept.py (the queue, a request's page,
the admins' request list, the access-checked files); re-exported here for older imports."""

from gov_services.views_dept import (
    AttachmentDownloadView,
    CountyRequestActionView,
    CountyRequestDetailView,
    CountyRequestListView,
    DepartmentHomeView,
    DepartmentRequestActionView,
    DepartmentRequestDetailView,
    RequestSignatureView,
)

__all__ = [
    "AttachmentDownloadView",
    "CountyRequestActionView",
    "CountyRequestDetailView",
    "CountyRequestListView",
    "DepartmentHomeView",
    "DepartmentRequestActionView",
    "DepartmentRequestDetailView",
    "RequestSignatureView",
]
