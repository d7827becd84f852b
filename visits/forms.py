from django import forms
from django.utils.translation import gettext_lazy as _

from agency.forms import KeyedForm
from core.money import YuanField
from visits.receipt import PAPERS


class VisitFindForm(forms.Form):
    q = forms.CharField(label=_("Phone, ID number, name or tracking code"), max_length=60, required=False,
                        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True,
                                                      "placeholder": "138…  /  1302…  /  王秀英  /  MG49-…"}))


class VisitStartForm(KeyedForm):
    resident_name = forms.CharField(label=_("Name"), max_length=60, required=False)
    resident_phone = forms.CharField(label=_("Mobile phone"), max_length=11, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 11}))
    resident_id_number = forms.CharField(label=_("ID card number"), max_length=18, required=False,
                                         widget=forms.TextInput(attrs={"maxlength": 18}))

    def clean(self):
        data = super().clean()
        if not any(data.get(f, "").strip() for f in ("resident_name", "resident_phone", "resident_id_number")):
            raise forms.ValidationError(_("Say who the resident is: a name, a phone number or an ID number."))
        return data


class VisitCloseForm(forms.Form):
    cash_received = YuanField(label=_("Cash received from the resident (yuan)"), min_fen=0)


PAPER_LABELS = {"80": _("80 mm roll"), "58": _("58 mm roll"), "a4": _("A4 page")}


class VisitReceiptPrintForm(KeyedForm):
    paper = forms.ChoiceField(label=_("Printer"), choices=[(k, PAPER_LABELS[k]) for k in PAPERS], initial="80",
                              widget=forms.RadioSelect)
    format = forms.ChoiceField(choices=[("html", "HTML"), ("pdf", "PDF")], initial="html", widget=forms.HiddenInput)
