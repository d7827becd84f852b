"""The checkout's fulfilment step: pick up at a station, or home delivery within a township."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout.forms import *  # noqa: F403  Oscar's forked module keeps every name

from accounts.models import mainland_mobile
from core.money import format_yuan
from shop.models import Fulfilment


class FulfilmentForm(forms.Form):
    method = forms.ChoiceField(label=_("Fulfilment"), choices=Fulfilment.Method.choices,
                               widget=forms.RadioSelect, initial=Fulfilment.Method.PICKUP)
    station = forms.ModelChoiceField(label=_("Your station"), queryset=None, empty_label=_("— choose —"),
                                     help_text=_("Pick-up orders wait for you here; it is remembered for next time."))
    township = forms.TypedChoiceField(label=_("Delivery township"), required=False, coerce=int, empty_value=None)
    address = forms.CharField(label=_("Delivery address"), required=False, max_length=200,
                              help_text=_("Village, group and house number."))
    recipient = forms.CharField(label=_("Your name"), max_length=60)
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, validators=[mainland_mobile],
                            help_text=_("The pick-up code comes to this number by SMS."),
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}))

    def __init__(self, *args, stations, townships: list, **kwargs):
        """`townships`: [(Region, fee_fen)] where every merchant in the basket delivers."""
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fees = {township.pk: fee for township, fee in townships}
        self.townships = {township.pk: township for township, _fee in townships}
        self.fields["township"].choices = [("", _("— choose —"))] + [
            (t.pk, f"{t.name} · {format_yuan(fee)}") for t, fee in townships]
        if not townships:
            self.fields["method"].choices = [(Fulfilment.Method.PICKUP, Fulfilment.Method.PICKUP.label)]

    def clean(self):
        data = super().clean()
        if data.get("method") == Fulfilment.Method.DELIVERY:
            if not data.get("township"):
                self.add_error("township", _("Choose the township to deliver to."))
            if not (data.get("address") or "").strip():
                self.add_error("address", _("Give the delivery address."))
        return data
