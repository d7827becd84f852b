"""The county's delivery-fee form. It parses yuan into integer fen (core.money's YuanField, never
float); whether the fee is acceptable is the service's decision (shop/services/delivery_fees.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import YuanField
from shop.services.delivery_fees import REASON_MAX_LENGTH


class DeliveryFeeForm(forms.Form):
    fee = YuanField(label=_("Delivery fee (yuan)"), min_fen=None,
                    help_text=_("Charged once per merchant in the order, e.g. 3.50; 0 means free delivery."),
                    error_messages={"required": _("Enter the delivery fee in yuan, e.g. 3.50.")})
    active = forms.BooleanField(label=_("Home delivery offered in this township"), required=False)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=REASON_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 2}))
