"""The county's search words (/county/search-words/): what residents say at the counter or online →
the words of the catalogue's item names. County admins add, change and remove their county's words."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.http import int_or_none
from core.service_errors import errors_onto
from core.zh_text import SYNONYMS
from gov_services.catalogue.models import SearchSynonym
from gov_services.catalogue.services import search_synonym_delete, search_synonym_save
from stations.mixins import CountyAdminMixin
from stations.models import Region
from stations.scope import scope_for


class SearchWordForm(forms.Form):
    word = forms.CharField(label=gettext_lazy("What residents say"), max_length=20)
    means = forms.CharField(label=gettext_lazy("Words of the items' names"), max_length=200,
                            help_text=gettext_lazy("Separated by spaces, e.g. 最低生活保障 低保"))


def _county(user) -> Region | None:
    region = scope_for(user).admin_region
    while region is not None and region.level != Region.Level.COUNTY:
        region = region.get_parent()
    return region


class SearchWordListView(CountyAdminMixin, View):
    template_name = "gov_services/search_words.html"

    def render_page(self, form, status=200):
        county = _county(self.request.user)
        rows = SearchSynonym.objects.filter(Q(county__isnull=True) | Q(county=county)).select_related("county")
        return TemplateResponse(self.request, self.template_name, {
            "county": county, "rows": rows, "form": form, "built_in": sorted(SYNONYMS.items())}, status=status)

    def get(self, request):
        return self.render_page(SearchWordForm())

    def post(self, request):
        county = _county(request.user)
        if county is None:
            raise PermissionDenied(_("Only the county's admins change its search words."))
        here = reverse("gov_services:search-words")
        if request.POST.get("action") == "delete":
            row = SearchSynonym.objects.filter(pk=int_or_none(request.POST.get("id")), county=county).first()
            if row is not None:
                search_synonym_delete(actor=request.user, synonym=row)
                messages.success(request, _("“%(word)s” removed.") % {"word": row.word})
            return HttpResponseRedirect(here)
        form = SearchWordForm(request.POST)
        if not form.is_valid():
            return self.render_page(form, status=400)
        try:
            row = search_synonym_save(actor=request.user, county=county, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
            return self.render_page(form, status=400)
        messages.success(request, _("“%(word)s” now finds %(means)s.") % {"word": row.word, "means": row.means})
        return HttpResponseRedirect(here)
