"""The resident's side of the store that Oscar does not have: choosing their station."""

from django import forms
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from shop.selectors.shoppers import pickup_stations, shopper_station_for
from shop.services.shoppers import shopper_station_remember


class StationChooseForm(forms.Form):
    station = forms.ModelChoiceField(label=_("Your station"), queryset=None, empty_label=_("— choose —"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = pickup_stations()


class StationChooseView(View):
    template_name = "shop/station_choose.html"

    def get(self, request):
        current = shopper_station_for(user=request.user, session=request.session)
        return self._render(StationChooseForm(initial={"station": current}), current)

    def post(self, request):
        form = StationChooseForm(request.POST)
        if not form.is_valid():
            return self._render(form, None, status=422)
        shopper_station_remember(user=request.user, session=request.session, station=form.cleaned_data["station"])
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "catalogue:index"
        return redirect(target)

    def _render(self, form, current, status=200):
        return render(self.request, self.template_name,
                      {"form": form, "current": current, "next": self.request.GET.get("next", "")}, status=status)
