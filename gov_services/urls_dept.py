"""The department workspace (/dept/) and the admins' request list (/county/requests/)."""

from django.urls import path

from gov_services import views

urlpatterns = [
    path("dept/", views.DepartmentHomeView.as_view(), name="dept-home"),
]
