"""The platform's counties (/county/counties/…): the superuser made by `createsuperuser` opens a county —
its city and county regions and its first county admin — and sees every county with its county admins.

Everyone else gets 403 (stations/mixins.py PlatformAdminMixin: Scope.is_platform_admin). The form is checked
whole by the service (stations/services_admins.py county_open); a refused form is shown again with what was
typed (not the password) and the reasons, 422, and nothing is saved.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.service_errors import errors_onto
from stations import selectors
from stations.forms import CountyOpenForm
from stations.mixins import PlatformAdminMixin
from stations.services_admins import county_open


class CountyListView(PlatformAdminMixin, TemplateView):
    """Every county on the platform with its city and its county admins; the way to open another."""

    template_name = "stations/county_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rows=selectors.county_overview(user=self.request.user), **kwargs)


class CountyOpenView(PlatformAdminMixin, FormView):
    template_name = "stations/county_open.html"
    form_class = CountyOpenForm

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)

    def form_valid(self, form):
        try:
            opening = county_open(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
            return self.form_invalid(form)
        admin = opening.assignment.user
        values = {"county": opening.county.name, "admin": admin, "username": admin.username}
        if opening.repeated:
            messages.info(self.request, _("%(county)s was already open with %(admin)s as its county admin; nothing "
                                          "was changed.") % values)
        else:
            messages.success(self.request, _("%(county)s is open. Its county admin %(admin)s signs in with the "
                                             "login name %(username)s and the password you gave, and continues "
                                             "the set-up from the back office.") % values)
        return redirect("stations:county-list")
