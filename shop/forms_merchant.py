"""The merchant workspace's forms: a product on one screen, and the list's quick stock edit."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.money import YuanField
from core.uploads import CheckedImageField
from shop.services.merchant_catalogue import MAX_IMAGES, MAX_STOCK


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(CheckedImageField):
    """Several photos from one file input, each checked by content (core/uploads.py)."""

    widget = MultipleImageInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class MerchantProductForm(forms.Form):
    title = forms.CharField(label=_("Product name"), max_length=255,
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))
    price = YuanField(label=_("Price (yuan)"), min_fen=1, help_text=_("For example 12.50. The store sells in yuan."))
    stock = forms.IntegerField(label=_("Quantity in stock"), min_value=0, max_value=MAX_STOCK,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    images = MultipleImageField(label=_("Photos"), required=False, help_text=_(
        "JPEG, PNG or WebP, up to %(max)d photos; the first is shown in the store.") % {"max": MAX_IMAGES})
    description = forms.CharField(label=pgettext_lazy("store goods", "Description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    sku = forms.CharField(label=_("Product code"), required=False, max_length=128, help_text=_(
        "Your own code, used by the spreadsheet import. Left empty, one is made for you."))
    remove_images = forms.TypedMultipleChoiceField(label=_("Remove photos"), required=False, coerce=int,
                                                   widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, categories, images=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("— choose —")), *categories]
        self.fields["remove_images"].choices = [(image.pk, str(image.pk)) for image in images]


class StockForm(forms.Form):
    stock = forms.IntegerField(label=_("Quantity in stock"), min_value=0, max_value=MAX_STOCK)
