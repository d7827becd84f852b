"""The text-message outbox (/county/sms/). Included from gov_services/urls.py at the site root inside
the gov_services namespace, so the paths are written out in full."""

from django.urls import path

from gov_services import views_notifications as views

urlpatterns = [
    path("county/sms/", views.SmsOutboxListView.as_view(), name="sms-outbox-list"),
    path("county/sms/<int:pk>/retry/", views.SmsOutboxRetryView.as_view(), name="sms-outbox-retry"),
    path("county/sms/templates/", views.SmsTemplateListView.as_view(), name="sms-template-list"),
    path("county/sms/templates/<int:region>/<str:purpose>/", views.SmsTemplateEditView.as_view(),
         name="sms-template-edit"),
]
