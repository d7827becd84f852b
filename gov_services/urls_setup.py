"""Setting up departments, staff and admin posts, in the gov_services namespace (gov_services/urls.py)."""

from django.urls import path

from gov_services import views_setup_admins as admins
from gov_services import views_setup_departments as views

urlpatterns = [
    path("county/setup/departments/", views.DepartmentListView.as_view(), name="setup-department-list"),
    path("county/setup/departments/new/", views.DepartmentCreateView.as_view(), name="setup-department-create"),
    path("county/setup/departments/import/", views.DepartmentImportView.as_view(), name="setup-department-import"),
    path("county/setup/departments/<int:pk>/", views.DepartmentDetailView.as_view(),
         name="setup-department-detail"),
    path("county/setup/departments/<int:pk>/edit/", views.DepartmentUpdateView.as_view(),
         name="setup-department-update"),
    path("county/setup/departments/<int:pk>/active/", views.DepartmentActiveView.as_view(),
         name="setup-department-active"),
    path("county/setup/departments/<int:pk>/members/", views.DepartmentMemberAddView.as_view(),
         name="setup-department-member-add"),
    path("county/setup/departments/<int:pk>/members/end/", views.DepartmentMemberEndView.as_view(),
         name="setup-department-member-end"),
    path("county/setup/departments/<int:pk>/members/role/", views.DepartmentMemberRoleView.as_view(),
         name="setup-department-member-role"),
    path("county/setup/staff/", views.StaffListView.as_view(), name="setup-staff-list"),
    path("county/setup/staff/import/", views.StaffImportView.as_view(), name="setup-staff-import"),
    path("county/setup/staff/password/", views.StaffPasswordView.as_view(), name="setup-staff-password"),
    path("county/setup/admins/", admins.AdminPostListView.as_view(), name="setup-admin-list"),
    path("county/setup/admins/give/", admins.AdminPostGiveView.as_view(), name="setup-admin-give"),
    path("county/setup/admins/<int:pk>/end/", admins.AdminPostEndView.as_view(), name="setup-admin-end"),
]
