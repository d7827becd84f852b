"""Assessment down to the person (/assessment/officers/): per-officer figures of a month, beside the
department's. An officer sees their own rows, a department head their department's, a county or township
admin every department of the county they supervise (?county= for those who supervise several)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.http import int_or_none
from gov_services.supervision import officer_assessment as selectors
from gov_services.supervision import selectors as supervision_selectors
from gov_services.supervision.forms import AssessmentMonthForm
from gov_services.supervision.rules import AssessmentWeights
from stations.scope import scope_for


class OfficerAssessmentView(LoginRequiredMixin, View):
    template_name = "gov_services/supervision/officer_assessment.html"

    def get(self, request):
        user = request.user
        if not selectors.can_see_officer_assessment(user=user):
            raise PermissionDenied(_("Officers see their own figures, heads their department's, admins their "
                                     "region's."))
        form = AssessmentMonthForm(request.GET or None)
        month = form.month_or(timezone.localdate())
        county = None
        weights = AssessmentWeights()
        if scope_for(user).is_county_staff:
            county = supervision_selectors.supervision_county_for(
                user=user, county_id=int_or_none(request.GET.get("county")))
            config = supervision_selectors.supervision_settings_for(county=county)
            weights = AssessmentWeights(on_time=config.weight_on_time, satisfaction=config.weight_satisfaction)
        rows = selectors.officer_assessment(user=user, month=month, county=county, weights=weights)
        return TemplateResponse(request, self.template_name, {
            "rows": rows, "month": month, "month_value": f"{month:%Y-%m}", "county": county, "form": form,
            "weights": weights, "is_admin": county is not None})
