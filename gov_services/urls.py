from django.urls import path

from gov_services import views

app_name = "gov_services"

urlpatterns = [
    path("dept/", views.DepartmentHomeView.as_view(), name="dept-home"),
]
