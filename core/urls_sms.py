"""The SMS gateways' delivery receipts (core/sms_receipts.py), at the site root."""

from django.urls import path

from core.sms_receipts import SmsReceiptView

app_name = "sms"

urlpatterns = [
    path("sms/receipts/<str:provider>/<str:token>/", SmsReceiptView.as_view(), name="receipts"),
]
