"""The admins' request list (/county/requests/): every request whose place lies in their region."""


from django.core.paginator import Paginator
from django.db.models import Count
from django.template.response import TemplateResponse
from django.views import View

from gov_services.models import ServiceRequest
from gov_services.requests.display import with_row_display
from gov_services.requests.filters_dept import CountyRequestFilter
from gov_services.requests.selectors import requests as request_selectors
from gov_services.requests.views_dept.access import admin_region
from stations.mixins import CountyStaffMixin
from stations.models import Region
from stations.selectors import region_list, station_list

Status = ServiceRequest.Status


COUNTY_PAGE_SIZE = 30


class CountyRequestListView(CountyStaffMixin, View):
    """Every request in the admin's region, filtered, newest first, with counts by status."""

    template_name = "gov_services/county_request_list.html"

    def get(self, request):
        user = request.user
        region = admin_region(user)
        scoped = request_selectors.service_request_list(user=user)
        townships = region_list(user=user).filter(level=Region.Level.TOWNSHIP).order_by("code")
        department_choices = list(scoped.order_by("department__code").values_list("department_id", "department__name")
                                  .distinct())
        station_choices = [(s.pk, s.name) for s in station_list(user=user)]
        search = CountyRequestFilter(request.GET or None, queryset=scoped, departments=department_choices,
                                     townships=townships, stations=station_choices)
        by_status = dict(search.qs_without("status").order_by().values_list("status").annotate(n=Count("pk")))
        requests = search.qs
        page = Paginator(requests, COUNTY_PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = with_row_display(page.object_list)
        return TemplateResponse(request, self.template_name, {
            "form": search.form,
            "filtered": search.filtered,
            "status_counts": [{"value": value, "label": label, "count": by_status.get(value, 0),
                               "css": f"cz-rstatus--{value}"}
                              for value, label in Status.choices],
            "total": sum(by_status.values()),
            "status": search.cleaned().get("status") or "",
            "page_obj": page,
            "requests": page.object_list,
            "region": region,
        })
