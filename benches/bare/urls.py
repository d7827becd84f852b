from django.urls import path

from benches.bare.views import PageView

urlpatterns = [path("", PageView.as_view(), name="page")]
