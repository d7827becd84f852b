"""Who works the care desk (/care/desks/): the township and county admins give care-desk posts in their
region to people with an account (by sign-in name or mobile number) and end them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from care import selectors
from care.services.registry import care_desk_end, care_desk_give
from core.service_errors import errors_onto
from stations.mixins import CountyStaffMixin


class DeskPostForm(forms.Form):
    person = forms.CharField(label=gettext_lazy("Sign-in name or mobile number"), max_length=150)
    region = forms.ModelChoiceField(label=gettext_lazy("Care desk of"), queryset=None)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions

    def clean_person(self):
        user = selectors.person_by_name_or_phone(self.cleaned_data["person"])
        if user is None:
            raise ValidationError(_("No active account has this sign-in name or mobile number."))
        return user


class DeskStaffView(CountyStaffMixin, View):
    def get(self, request):
        return self.render(self.form())

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                care_desk_give(actor=request.user, user=form.cleaned_data["person"], region=form.cleaned_data["region"])
            except ValidationError as error:
                errors_onto(form, error, fields={"user": "person"}, fallback="person")
            else:
                messages.success(request, _("%(name)s now works the care desk.") % {"name": form.cleaned_data["person"]})
                return redirect("care:desk-staff")
        return self.render(form, status=400)

    def form(self, data=None):
        return DeskPostForm(data, regions=selectors.contracting_regions(user=self.request.user))

    def render(self, form, status=200):
        return TemplateResponse(self.request, "care/desk_staff.html", {
            "form": form, "desks": selectors.desks(user=self.request.user)}, status=status)


class DeskEndView(CountyStaffMixin, View):
    def post(self, request, pk):
        desk = selectors.access_desk_by_id(user=request.user, desk_id=pk)
        care_desk_end(actor=request.user, desk=desk)
        messages.success(request, _("The care-desk post is ended."))
        return redirect("care:desk-staff")
