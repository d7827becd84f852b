"""The one public page reports serves: the county's performance figures at /performance/.

No sign-in and no scope: the figures are county-wide and name no one (reports/selectors/public.py).
The page wears the public site's frame and is kept by the whole-page cache (core/page_cache.py); the
portal links to it by URL name from the site footer (portal_links) and its sitemap.
"""

from django.template.response import TemplateResponse
from django.views import View

from core.http import int_or_none
from core.page_cache import mark_cacheable
from reports.selectors.public import PERFORMANCE_MONTHS, public_performance


class PublicPerformanceView(View):
    """/performance/: requests received, completion, on-time and satisfaction rates by department and
    month, as the staff reports compute them. ?months=6 or 12 (default)."""

    template_name = "reports/public_performance.html"

    def get(self, request):
        months = int_or_none(request.GET.get("months"))
        if months not in PERFORMANCE_MONTHS:
            months = 12
        figures = public_performance(months=months)
        departments = [{"row": row, "months": figures["department_months"].get(row.keys[0], [])}
                       for row in figures["departments"]]
        return mark_cacheable(TemplateResponse(request, self.template_name, {
            **figures, "departments": departments, "months_shown": months,
            "month_choices": PERFORMANCE_MONTHS,
        }))
